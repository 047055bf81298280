/** Formatting of times (Asia/Shanghai), values and durations for messages. */
export type Unit = 'ms' | 's' | '%' | 'count';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // UTC+8 all year, no daylight saving since 1991

/** "2025-01-15 14:03:05" in Asia/Shanghai. */
export function formatShanghai(ms: number): string {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function trimNumber(n: number, extra: number): string {
  if (!Number.isFinite(n)) return String(n);
  const digits = (Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2) + extra;
  return String(Number(n.toFixed(digits)));
}

/** A value with its unit, with `extra` more decimals than usual. */
function withUnit(value: number, unit: Unit | undefined, extra: number): string {
  switch (unit) {
    case 'ms':
      return `${trimNumber(value, extra)} ms`;
    case 's':
      return `${trimNumber(value, extra)} s`;
    case '%':
      // two decimals: 99.46% must not read as the 99.5% threshold
      return `${Number.isFinite(value) ? String(Number(value.toFixed(2 + extra))) : String(value)}%`;
    default:
      return trimNumber(value, extra);
  }
}

/**
 * A value with its unit. With `against` (the threshold it is compared with), a value that differs
 * from it is never printed the same: "60.04 s" beside "> 60 s", not "60 s".
 */
export function formatValue(value: number, unit: Unit | undefined, against?: number): string {
  let out = withUnit(value, unit, 0);
  if (against === undefined || against === value) return out;
  const limit = withUnit(against, unit, 0);
  for (let extra = 1; out === limit && extra <= 4; extra++) out = withUnit(value, unit, extra);
  return out;
}

/** "1h 5m", "45s": compact and language-neutral. */
export function formatDurationShort(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return sec > 0 ? `${m}m ${sec}s` : `${m}m`;
  return `${sec}s`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Keeps values from breaking the markdown structure (links, emphasis, lines). */
export function escapeMarkdown(s: string): string {
  return s.replace(/([`*[\]])/g, '\\$1').replace(/[\r\n]+/g, ' ');
}
