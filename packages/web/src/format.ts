/** Number, duration and time formatting shared by the pages. */
import type { Alert } from './api';
import type { Lang } from './i18n';

/** An alert's metric name with its scope when it is judged per dimension: "页面加载时间 · page=pages/checkin/checkin". */
export function alertName(a: Pick<Alert, 'metricNameZh' | 'metricNameEn' | 'labels'>, lang: Lang): string {
  const name = lang === 'en' ? a.metricNameEn : a.metricNameZh;
  const scope = Object.entries(a.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  return scope ? `${name} · ${scope}` : name;
}

export function fmtValue(v: number | null | undefined, unit: string | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (unit === 'ms') return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
  if (unit === 's') return `${v.toFixed(v < 10 ? 1 : 0)} s`;
  // two decimals where success rates live (99.95 % is not 100 %); a whole 100 or 120 % as it is
  if (unit === '%') return `${v.toFixed(v >= 100 && Number.isInteger(v) ? 0 : v >= 99 && v < 100 ? 2 : 1)} %`;
  return String(Math.round(v * 100) / 100);
}

export function fmtDuration(ms: number, lang: Lang): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const zh = lang === 'zh-CN';
  if (s < 60) return zh ? `${s} 秒` : `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return zh ? `${m} 分 ${s % 60} 秒` : `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return zh ? `${h} 小时 ${m % 60} 分` : `${h}h ${m % 60}m`;
  return zh ? `${Math.floor(h / 24)} 天` : `${Math.floor(h / 24)}d`;
}

/** Times in Asia/Shanghai, the team's time zone, whatever the browser's. */
export function fmtTime(t: number, lang: Lang, withDate = false): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    second: withDate ? undefined : '2-digit',
    ...(withDate ? { month: '2-digit', day: '2-digit' } : {}),
    hour12: false,
  }).format(t);
}

export const LEVEL_ORDER = ['P0', 'P1', 'P2', 'P3'] as const;

/** epoch ms → "2025-01-06T10:00" in Asia/Shanghai, as the directory API and datetime-local inputs take it. */
export const shanghaiInput = (t: number): string => new Date(t + 8 * 3_600_000).toISOString().slice(0, 16);
