/**
 * One batch over the platform's `makeRequest`: body, optional gzip, time-out, and the outcome
 * classified for the client (delivered / retry later / drop). Never throws.
 */
import type { Compressor, IngestResponse, MakeRequest, TransportResponse } from './types.js';

export type Outcome =
  | { kind: 'ok'; status: number; answer: Partial<IngestResponse> | undefined }
  | { kind: 'retry'; status: number; retryAfterMs: number | undefined; network: boolean }
  | { kind: 'drop'; status: number };

export interface SendArgs {
  url: string;
  key: string;
  body: string;
  timeoutMs: number;
  compress: Compressor | undefined;
  compressMinBytes: number;
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (h: unknown) => void;
}

export async function sendBatch(makeRequest: MakeRequest, a: SendArgs): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-mgops-key': a.key };
  let body: string | Uint8Array = a.body;
  if (a.compress && a.body.length >= a.compressMinBytes) {
    try {
      const z = await a.compress(a.body);
      // gzip only when it pays: at least 10 % smaller
      if (z && z.length < a.body.length * 0.9) {
        body = z;
        headers['content-encoding'] = 'gzip';
      }
    } catch {
      // send uncompressed
    }
  }
  let res: TransportResponse | undefined;
  try {
    res = await withTimeout(makeRequest({ url: a.url, body, headers, timeoutMs: a.timeoutMs }), a);
  } catch {
    res = undefined;
  }
  return classify(res, a.now());
}

function withTimeout<T>(p: Promise<T>, a: SendArgs): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    // the platform should time out by itself; this guard covers one that never answers
    const h = a.setTimer(() => resolve(undefined), a.timeoutMs + 1000);
    p.then(
      (v) => {
        a.clearTimer(h);
        resolve(v);
      },
      (e: unknown) => {
        a.clearTimer(h);
        reject(e instanceof Error ? e : new Error('request failed'));
      },
    );
  });
}

export function classify(res: TransportResponse | undefined, now: number): Outcome {
  const status = res && typeof res.status === 'number' ? res.status : 0;
  if (status >= 200 && status < 300) return { kind: 'ok', status, answer: parseAnswer(res?.body) };
  if (status === 0 || status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', status, retryAfterMs: retryAfter(res?.headers, now), network: status === 0 };
  }
  return { kind: 'drop', status };
}

function parseAnswer(body: unknown): Partial<IngestResponse> | undefined {
  let v = body;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  }
  return typeof v === 'object' && v !== null ? (v as Partial<IngestResponse>) : undefined;
}

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
export function retryAfter(headers: Record<string, string | undefined> | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  let raw: string | undefined;
  for (const k in headers) if (k.toLowerCase() === 'retry-after') raw = headers[k];
  if (raw === undefined || raw === '') return undefined;
  const secs = Number(raw);
  if (isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const at = Date.parse(raw);
  return isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Exponential back-off with jitter (half fixed, half random), at least Retry-After, at most 1 h. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
  retryAfterMs: number | undefined,
): number {
  const exp = Math.min(maxMs, baseMs * Math.pow(2, Math.max(0, attempt - 1)));
  const d = exp / 2 + (random() * exp) / 2;
  return Math.min(3_600_000, Math.max(d, retryAfterMs ?? 0));
}
