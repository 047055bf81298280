/**
 * Privacy before anything leaves the process: keyed pseudonyms for user ids (HMAC-SHA256; a plain
 * hash of an 11-digit mobile is brute-forced in minutes), the collector's masking rules for every
 * free string (error messages, stacks, log lines), and /24 truncation of client addresses.
 */
import { builtin } from './builtin.js';
import { maskString } from '@mgops/protocol/mask';

/** Mirrors `LIMITS` in @mgops/protocol (not imported: that module pulls the schema library). */
export const MAX_MESSAGE = 2048;
export const MAX_STACK = 16_384;
export const MAX_NAME = 256;

export type Pseudonymise = (raw: string | number | undefined | null) => string | undefined;

/**
 * Returns a function turning a raw user id into `u_` + 22 base64url characters of
 * HMAC-SHA256(key, id). Without a key no user id is ever sent. Results are cached (bounded).
 */
export function makePseudonymiser(key: string | undefined, cacheSize = 2000): Pseudonymise {
  if (!key) return () => undefined;
  const cache = new Map<string, string>();
  return (raw) => {
    if (raw === undefined || raw === null || raw === '') return undefined;
    const id = String(raw);
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const p = 'u_' + builtin('node:crypto').createHmac('sha256', key).update(id).digest('base64url').slice(0, 22);
    if (cache.size >= cacheSize) cache.clear();
    cache.set(id, p);
    return p;
  };
}

export function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/** Masks personal information and clips to `max`. */
export function safeText(s: string, max: number = MAX_MESSAGE): string {
  return maskString(clip(s, max * 2)).slice(0, max);
}

export interface ErrorInfo {
  type?: string;
  message?: string;
  stack?: string;
  code?: string | number;
}

/** Type, masked message and stack, and code of anything thrown. Never throws. */
export function errorInfo(err: unknown): ErrorInfo {
  try {
    if (err instanceof Error || (typeof err === 'object' && err !== null)) {
      const e = err as { name?: unknown; message?: unknown; stack?: unknown; code?: unknown; errCode?: unknown };
      const info: ErrorInfo = {};
      const ctorName = (err as { constructor?: { name?: unknown } }).constructor?.name;
      const type = typeof e.name === 'string' && e.name !== '' ? e.name : ctorName;
      if (typeof type === 'string') info.type = clip(type, 128);
      if (typeof e.message === 'string') info.message = safeText(e.message, MAX_MESSAGE);
      if (typeof e.stack === 'string') info.stack = safeText(e.stack, MAX_STACK);
      const code = e.code ?? e.errCode;
      if (typeof code === 'number' && Number.isFinite(code)) info.code = code;
      else if (typeof code === 'string') info.code = clip(safeText(code, 128), 128);
      return info;
    }
    return { type: typeof err, message: safeText(String(err), MAX_MESSAGE) };
  } catch {
    return { type: 'unknown' };
  }
}

/** A client address reduced to its /24 (IPv4) or /48 (IPv6); anything else masked. */
export function maskSource(addr: string | undefined | null): string | undefined {
  if (!addr) return undefined;
  let a = addr.trim();
  if (a.startsWith('::ffff:') && a.indexOf('.') > 0) a = a.slice(7);
  if (a === '::1') return '::1';
  return clip(maskString(a), 64);
}
