/** Protocol ids (8–64 of `[A-Za-z0-9_.:-]`) from application ids, deterministically. */
import { builtin } from './builtin.js';

const ID_RE = /^[A-Za-z0-9_.:-]{8,64}$/;

/** The id itself when valid, else a stable digest of it (so predicted/labelled still pair up). */
export function protocolId(raw: string | number): string {
  const s = String(raw);
  if (ID_RE.test(s)) return s;
  return 'h_' + builtin('node:crypto').createHash('sha256').update(s).digest('hex').slice(0, 30);
}

/** A deterministic event id (idempotent across retries and instances), or undefined if too long. */
export function eventId(prefix: string, ...parts: string[]): string | undefined {
  const id = [prefix, ...parts].join('.');
  return ID_RE.test(id) ? id : undefined;
}

/** The calendar day in Asia/Shanghai (UTC+8, no DST), `YYYYMMDD`. */
export function shanghaiDay(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Start of the Asia/Shanghai calendar day containing `ms`, ms since epoch. */
export function shanghaiDayStart(ms: number): number {
  const DAY = 86_400_000;
  const OFFSET = 8 * 3_600_000;
  return Math.floor((ms + OFFSET) / DAY) * DAY - OFFSET;
}
