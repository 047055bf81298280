/** Local times of on-call schedules ("2025-01-06T10:00") are Asia/Shanghai (UTC+8, no DST). */
const SHANGHAI = 8 * 3_600_000;

/** "2025-01-06T10:00" (or "2025-01-06") in Asia/Shanghai → epoch ms. */
export function shanghaiLocal(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
  if (!m) throw new RangeError(`not a local time: ${text}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)) - SHANGHAI;
}

/** epoch ms → "2025-01-06T10:00" in Asia/Shanghai */
export const shanghaiText = (at: number): string => new Date(at + SHANGHAI).toISOString().slice(0, 16);
