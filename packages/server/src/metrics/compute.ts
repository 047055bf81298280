/**
 * Pure computation of a metric from merged aggregates (rollup-based kinds of catalogue.ts).
 */
import type { Agg } from './agg.js';
import type { Computation } from './catalogue.js';

export type Computed = { value: number | null; samples: number; details?: Record<string, number> };

/** The series a rollup-based computation reads. */
export function seriesOf(c: Computation): string[] {
  switch (c.kind) {
    case 'p95':
    case 'success':
    case 'failure':
    case 'count':
    case 'gauge_pct':
      return [c.series];
    case 'ratio':
      return c.preferServer
        ? [`${c.num}@server`, `${c.den}@server`, `${c.num}@client`, `${c.den}@client`]
        : [c.num, c.den];
    case 'custom':
      return [];
  }
}

const pct = (num: number, den: number) => (den > 0 ? (100 * num) / den : null);
/** A weighted count (sampled events count 1 / sampleRate) as reported: float noise rounded away. */
const cnt = (x: number | undefined) => round(x ?? 0);

/** `get(series)` returns the merged aggregate of a series over the window (possibly empty). */
export function computeFromAggs(c: Computation, get: (series: string) => Agg | undefined): Computed {
  switch (c.kind) {
    case 'p95': {
      const a = get(c.series);
      if (!a || a.n === 0 || !a.sketch) return { value: null, samples: cnt(a?.n) };
      return { value: round(a.sketch.quantile(0.95)), samples: cnt(a.n), details: { p50: round(a.sketch.quantile(0.5)), p99: round(a.sketch.quantile(0.99)), max: a.max } };
    }
    case 'success': {
      const a = get(c.series);
      return { value: a ? pct(a.n - a.bad, a.n) : null, samples: cnt(a?.n), details: { failures: cnt(a?.bad) } };
    }
    case 'failure': {
      const a = get(c.series);
      return { value: a ? pct(a.bad, a.n) : null, samples: cnt(a?.n), details: { failures: cnt(a?.bad) } };
    }
    case 'count': {
      const a = get(c.series);
      return { value: cnt(a?.n), samples: cnt(a?.n) };
    }
    case 'ratio': {
      let num = c.num;
      let den = c.den;
      if (c.preferServer) {
        const server = get(`${c.den}@server`);
        const side = server && server.n > 0 ? 'server' : 'client';
        num = `${c.num}@${side}`;
        den = `${c.den}@${side}`;
      }
      const n = get(num)?.n ?? 0;
      const d = get(den)?.n ?? 0;
      const value = pct(n, d);
      return { value: c.share && value !== null ? Math.min(100, value) : value, samples: cnt(d), details: { numerator: cnt(n), denominator: cnt(d) } };
    }
    case 'gauge_pct':
    case 'custom':
      throw new Error(`${c.kind} is computed elsewhere`);
  }
}

export const round = (x: number, digits = 3) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
