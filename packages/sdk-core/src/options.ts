/** Options clamped to sane ranges once, at creation (bad values are corrected, never thrown). */
import type { Clock, ClientOptions, QueueLimits, RetryOptions } from './types.js';

export interface Normalized {
  url: string;
  key: string;
  app: string;
  env: string;
  release: string | undefined;
  sdk: { name: string; version: string };
  prefix: string;
  batchSize: number;
  maxBatchBytes: number;
  flushIntervalMs: number;
  maxInFlight: number;
  requestTimeoutMs: number;
  compressMinBytes: number;
  dropReportIntervalMs: number;
  queue: QueueLimits;
  retry: RetryOptions;
  sampling: Partial<Record<string, number>> | undefined;
}

function num(v: unknown, def: number, min: number, max: number): number {
  if (typeof v !== 'number' || !isFinite(v)) return def;
  return v < min ? min : v > max ? max : v;
}

export function normalize(o: ClientOptions): Normalized {
  const endpoint = typeof o.endpoint === 'string' ? o.endpoint.replace(/\/+$/, '') : '';
  return {
    url: endpoint + '/api/v1/events',
    key: String(o.key ?? ''),
    app: String(o.app ?? ''),
    env: String(o.env ?? 'prod'),
    release: o.release ? String(o.release) : undefined,
    sdk: { name: String(o.sdk?.name ?? 'mgops'), version: String(o.sdk?.version ?? '0') },
    prefix: typeof o.storagePrefix === 'string' ? o.storagePrefix : 'mgops_',
    batchSize: Math.floor(num(o.batchSize, 50, 1, 1000)),
    maxBatchBytes: num(o.maxBatchBytes, 262_144, 4096, 1_000_000),
    flushIntervalMs: num(o.flushIntervalMs, 5000, 0, 3_600_000),
    maxInFlight: Math.floor(num(o.maxInFlight, 2, 1, 10)),
    requestTimeoutMs: num(o.requestTimeoutMs, 10_000, 100, 120_000),
    compressMinBytes: num(o.compressMinBytes, 1024, 0, 1e9),
    dropReportIntervalMs: num(o.dropReportIntervalMs, 60_000, 0, 86_400_000),
    queue: {
      maxEntries: Math.floor(num(o.queue?.maxEntries, 1000, 1, 100_000)),
      maxBytes: num(o.queue?.maxBytes, 524_288, 4096, 100_000_000),
      maxAgeMs: num(o.queue?.maxAgeMs, 3 * 86_400_000, 1000, 365 * 86_400_000),
    },
    retry: {
      baseMs: num(o.retry?.baseMs, 1000, 1, 3_600_000),
      maxMs: num(o.retry?.maxMs, 300_000, 1, 3_600_000),
    },
    sampling: o.sampling,
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
