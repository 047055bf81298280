/**
 * One batch over the platform's `makeRequest`: body, optional gzip, time-out, and the outcome
 * classified for the client (delivered / retry later / drop). Never throws.
 */
import type { Normalized } from './options.js';
import type { ClientOptions, Clock, IngestResponse, MakeRequest, TransportResponse } from './types.js';

export type Outcome =
  | { kind: 'ok'; status: number; answer?: Partial<IngestResponse> }
  | { kind: 'retry'; status: number; retryAfterMs?: number; network: boolean }
  | { kind: 'drop'; status: number };

/** One batch: `body` is the envelope's JSON text; `o` the normalized options, `options` the given ones. */
export async function sendBatch(makeRequest: MakeRequest, o: Normalized, options: ClientOptions, clock: Clock, body: string): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-mgops-key': String(options.key) };
  let sent: string | Uint8Array = body;
  if (options.compress && body.length >= o.compressMinBytes_) {
    try {
      const z = await options.compress(body);
      // gzip only when it pays: at least 10 % smaller
      if (z && z.length < body.length * 0.9) {
        sent = z;
        headers['content-encoding'] = 'gzip';
      }
    } catch {
      // send uncompressed
    }
  }
  const res = await new Promise<TransportResponse | undefined>((resolve) => {
    // the platform should time out by itself; this guard covers one that never answers
    const h = clock.setTimeout(() => resolve(undefined), o.requestTimeoutMs_ + 1000);
    const done = (r?: TransportResponse): void => {
      clock.clearTimeout(h);
      resolve(r);
    };
    try {
      makeRequest({ url: o.url_, body: sent, headers, timeoutMs: o.requestTimeoutMs_ }).then(done, () => done());
    } catch {
      done();
    }
  });
  return classify(res, clock.now());
}

export function classify(res: TransportResponse | undefined, now: number): Outcome {
  const status = res && typeof res.status === 'number' ? res.status : 0;
  if (status >= 200 && status < 300) return { kind: 'ok', status, answer: parseAnswer(res && res.body) };
  if (status === 0 || status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', status, retryAfterMs: retryAfter(res && res.headers, now), network: status === 0 };
  }
  return { kind: 'drop', status };
}

function parseAnswer(body: unknown): Partial<IngestResponse> | undefined {
  let v = body;
  try {
    if (typeof v === 'string') v = JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
  return typeof v === 'object' && v !== null ? (v as Partial<IngestResponse>) : undefined;
}

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
export function retryAfter(headers: Record<string, string | undefined> | undefined, now: number): number | undefined {
  let raw: string | undefined;
  for (const k in headers) if (k.toLowerCase() === 'retry-after') raw = headers[k];
  if (!raw) return undefined;
  const secs = Number(raw);
  const at = Date.parse(raw);
  return isFinite(secs) ? (secs >= 0 ? secs * 1000 : undefined) : isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Exponential back-off with jitter (half fixed, half random), at least Retry-After, at most 1 h. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number, retryAfterMs?: number): number {
  const exp = Math.min(maxMs, baseMs * Math.pow(2, Math.max(0, attempt - 1)));
  return Math.min(3_600_000, Math.max(exp / 2 + (random() * exp) / 2, retryAfterMs || 0));
}
