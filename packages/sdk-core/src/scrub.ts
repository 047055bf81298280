/**
 * Privacy and size on the way out: every string of an event (message, stack, route, attrs, keys,
 * breadcrumbs) is masked with the collector's own `maskString` and cut to the protocol's limits;
 * attrs are flattened to the allowed value kinds; non-finite numbers are removed.
 */
import { maskString } from '@mgops/protocol/mask';
import { SERVER_LIMITS } from './server-side.js';
import type { MgEvent } from './types.js';

/** Longest string per field name (the protocol's limits); other fields get 256. */
const MAX_LEN: Record<string, number> = {};
for (const spec of [
  '2048 message errMsg',
  '16384 stack',
  '512 attr',
  '16 method',
  '32 status',
  '64 c funnel step by source category sid id sosId crashedSid',
  '128 code type reason feature logger fingerprint uid paths',
].concat(SERVER_LIMITS)) {
  const words = spec.split(' ');
  for (let i = 1; i < words.length; i++) MAX_LEN[words[i] as string] = Number(words[0]);
}
const ATTR_KEY_MAX = 64;
const MAX_ATTRS = 32;
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** fields that are not user data and are never rewritten */
const KEEP: Record<string, true> = { id: true, type: true, kind: true, side: true, api: true, level: true, outcome: true, action: true };

export function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/**
 * Masked strings seen lately: an error storm repeats the same stack, message and breadcrumbs, and
 * masking is the costly part of a capture. Same input, same output — only cheaper. Bounded: at most
 * 64 strings of at most 2048 characters, emptied when full.
 */
const masked = new Map<string, string>();

function mask(s: string): string {
  if (s.length < 7 || s.length > 2048) return maskString(s);
  let m = masked.get(s);
  if (m === undefined) {
    if (masked.size >= 64) masked.clear();
    masked.set(s, (m = maskString(s)));
  }
  return m;
}

export function scrubString(s: string, max: number): string {
  // mask first, then cut: a cut through a phone number must not leave its digits readable
  return cut(mask(cut(s, 65536)), max);
}

function scrubValue(key: string, v: unknown, depth: number): unknown {
  if (typeof v === 'string') return scrubString(v, MAX_LEN[key] || 256);
  if (typeof v === 'number') return isFinite(v) ? v : undefined;
  if (typeof v === 'boolean' || v === null) return v;
  if (depth > 3 || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length && i < 50; i++) {
      const x = scrubValue(key, v[i], depth + 1);
      if (x !== undefined) out.push(x);
    }
    return out;
  }
  return scrubObject(v as Record<string, unknown>, depth + 1);
}

function scrubObject(o: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    if (!own(o, k)) continue;
    const x = depth === 0 && KEEP[k] ? o[k] : k === 'attrs' ? scrubAttrs(o[k]) : scrubValue(k, o[k], depth);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

/** Flat attributes only: string (masked, ≤ 512), finite number, boolean, null; ≤ 32 keys. */
export function scrubAttrs(a: unknown): Record<string, string | number | boolean | null> | undefined {
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  let n = 0;
  const src = a as Record<string, unknown>;
  for (const k in src) {
    if (!own(src, k) || n >= MAX_ATTRS) continue;
    // a value is cut like a field named `attr` (512); depth 9: no objects or arrays
    const x = scrubValue('attr', src[k], 9) as string | number | boolean | null | undefined;
    if (x === undefined) continue;
    out[scrubString(k, ATTR_KEY_MAX)] = x;
    n++;
  }
  return n > 0 ? out : undefined;
}

/** A masked, bounded copy of the event. */
export function scrubEvent(event: MgEvent): MgEvent {
  return scrubObject(event as unknown as Record<string, unknown>, 0) as unknown as MgEvent;
}
