/**
 * A tiny inline-SVG sparkline (cheap enough for every matrix row). A value with no value on either
 * side is a dot: a line through one point draws nothing, and a fresh install's first window is one.
 */
export function Spark({ values, state }: { values: (number | null)[]; state: string }) {
  const nums = values.filter((v): v is number => v !== null);
  if (nums.length === 0) return <svg className="spark" width="96" height="24" aria-hidden="true" />;
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const span = max - min || 1;
  const step = values.length > 1 ? 96 / (values.length - 1) : 0;
  // a single value sits at the right end (it is the latest), a flat series in the middle
  const x = (i: number) => (values.length > 1 ? Math.min(94, Math.max(2, i * step)) : 94);
  const y = (v: number) => (max === min ? 12 : 22 - ((v - min) / span) * 20);
  let d = '';
  const dots: [number, number][] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    const joined = i > 0 && values[i - 1] !== null;
    d += `${joined ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    if (!joined && (i === values.length - 1 || values[i + 1] === null)) dots.push([x(i), y(v)]);
  });
  return (
    <svg className={`spark s-${state}`} width="96" height="24" viewBox="0 0 96 24" aria-hidden="true">
      <path d={d} fill="none" strokeWidth="1.5" />
      {dots.map(([cx, cy], i) => <circle key={i} cx={cx.toFixed(1)} cy={cy.toFixed(1)} r="2.2" />)}
    </svg>
  );
}
