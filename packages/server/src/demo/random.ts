/** Seeded randomness for the simulator, so a run (and a test) can be repeated. */
export type Rng = () => number;

/** mulberry32: small, fast, good enough for traffic shapes. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const v = items[Math.floor(rng() * items.length)];
  if (v === undefined) throw new Error('pick from an empty list');
  return v;
}

/** Picks by weight: `[[value, weight], …]`. */
export function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x <= 0) return v;
  }
  const last = items[items.length - 1];
  if (!last) throw new Error('weighted pick from an empty list');
  return last[0];
}

/** Relative activity of MindGuard users by Asia/Shanghai hour: a morning and an evening peak. */
export const DAILY_RHYTHM: readonly number[] = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.6, 0.9, 0.8, 0.7, 0.75, 0.9, 0.8, 0.7, 0.7, 0.75, 0.85, 0.95, 1.0, 1.0, 0.95, 0.8, 0.5,
];

export function rhythmAt(ms: number): number {
  const hour = new Date(ms + 8 * 3_600_000).getUTCHours();
  return DAILY_RHYTHM[hour] ?? 0.5;
}
