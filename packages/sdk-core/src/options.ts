/** Options clamped to sane ranges once, at creation (bad values are corrected, never thrown). */
import type { Clock, ClientOptions, QueueLimits, RetryOptions } from './types.js';

export interface Normalized {
  url_: string;
  prefix_: string;
  batchSize_: number;
  maxBatchBytes_: number;
  flushIntervalMs_: number;
  maxInFlight_: number;
  requestTimeoutMs_: number;
  compressMinBytes_: number;
  dropReportIntervalMs_: number;
  queue_: QueueLimits;
  retry_: RetryOptions;
  /** the envelope's text before `sentAt` */
  head_: string;
}

/** A finite number within [min, max], else the default. */
function num(v: unknown, def: number, min: number, max: number): number {
  return typeof v === 'number' && v >= min && v <= max ? Math.floor(v) : def;
}

export function normalize(o: ClientOptions): Normalized {
  const q = o.queue || {};
  const r = o.retry || {};
  const sdk = o.sdk || { name: 'mgops', version: '0' };
  const H = 3_600_000;
  return {
    url_: String(o.endpoint || '').replace(/\/+$/, '') + '/api/v1/events',
    prefix_: typeof o.storagePrefix === 'string' ? o.storagePrefix : 'mgops_',
    batchSize_: num(o.batchSize, 50, 1, 1000),
    maxBatchBytes_: num(o.maxBatchBytes, 262_144, 4096, 1e6),
    flushIntervalMs_: num(o.flushIntervalMs, 5000, 0, H),
    maxInFlight_: num(o.maxInFlight, 2, 1, 10),
    requestTimeoutMs_: num(o.requestTimeoutMs, 10_000, 100, 12e4),
    compressMinBytes_: num(o.compressMinBytes, 1024, 0, 1e9),
    dropReportIntervalMs_: num(o.dropReportIntervalMs, 60_000, 0, 864e5),
    queue_: { maxEntries: num(q.maxEntries, 1000, 1, 1e5), maxBytes: num(q.maxBytes, 524_288, 4096, 1e8), maxAgeMs: num(q.maxAgeMs, 72 * H, 1000, 1e12) },
    retry_: { baseMs: num(r.baseMs, 1000, 1, H), maxMs: num(r.maxMs, 300_000, 1, H) },
    head_: JSON.stringify({ v: 1, app: String(o.app || ''), env: String(o.env || 'prod'), release: o.release ? String(o.release) : undefined, sdk: { name: String(sdk.name), version: String(sdk.version) } }).slice(0, -1),
  };
}

/** Real timers; unref'd where the host supports it, so a Node process can exit. */
export const defaultClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms) as unknown as { unref?: () => void };
    if (h && typeof h.unref === 'function') h.unref();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as Parameters<typeof clearTimeout>[0]),
};
