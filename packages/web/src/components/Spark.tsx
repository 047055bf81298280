/**
 * A tiny inline-SVG sparkline (cheap enough for every matrix row). A value with no value on either
 * side is a dot: a line through one point draws nothing, and a fresh install's first window is one.
 */
import { isLone } from './lone';

export function Spark({ values, state }: { values: (number | null)[]; state: string }) {
  const nums = values.filter((v): v is number => v !== null);
  if (nums.length === 0) return <svg className="spark" width="96" height="24" aria-hidden="true" />;
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const span = max - min || 1;
  // a single value sits at the right end (it is the latest), a flat series in the middle
  const x = (i: number) => (values.length > 1 ? Math.min(94, Math.max(2, (i * 96) / (values.length - 1))) : 94);
  const y = (v: number) => (max === min ? 12 : 22 - ((v - min) / span) * 20);
  let d = '';
  values.forEach((v, i) => {
    if (v !== null) d += `${i > 0 && values[i - 1] !== null ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
  });
  return (
    <svg className={`spark s-${state}`} width="96" height="24" viewBox="0 0 96 24" aria-hidden="true">
      <path d={d} fill="none" strokeWidth="1.5" />
      {values.map((v, i) => (v !== null && isLone(values, i) ? <circle key={i} cx={x(i).toFixed(1)} cy={y(v).toFixed(1)} r="2.2" /> : null))}
    </svg>
  );
}
