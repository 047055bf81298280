/** A tiny inline-SVG sparkline (cheap enough for every matrix row). */
export function Spark({ values, state }: { values: (number | null)[]; state: string }) {
  const nums = values.filter((v): v is number => v !== null);
  if (nums.length < 2) return <svg className="spark" width="96" height="24" aria-hidden="true" />;
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const span = max - min || 1;
  const step = 96 / (values.length - 1);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const y = 22 - ((v - min) / span) * 20;
    d += `${pen ? 'L' : 'M'}${(i * step).toFixed(1)},${y.toFixed(1)} `;
    pen = true;
  });
  return (
    <svg className={`spark s-${state}`} width="96" height="24" viewBox="0 0 96 24" aria-hidden="true">
      <path d={d} fill="none" strokeWidth="1.5" />
    </svg>
  );
}
