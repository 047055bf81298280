/** Durations in config are strings such as "30s", "5m", "1h", "7d", "3y" (a year is 365 days). */
const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 365 * 86_400_000,
};

export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d|w|y)$';

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration '${text}' (use e.g. 30s, 5m, 1h, 7d)`);
  return Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
