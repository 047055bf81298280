/**
 * One JSON POST helper for the HTTP channels: a time-out, the caller's abort signal, and network
 * failures turned into result codes. Error texts never contain the URL (it may carry a token).
 */
import { failure, type SendFailure } from './types.js';

export type HttpAnswer = { status: number; headers: Headers; text: string; json: unknown };

export async function postJson(
  url: string,
  body: string,
  opts: { headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<HttpAnswer | SendFailure> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  // one spelling per header name, so a caller's 'Content-Type' replaces the default instead of
  // being sent beside it
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal,
    });
  } catch (err) {
    if (timeout.aborted) return failure('TIMEOUT', `no answer within ${opts.timeoutMs} ms`, true);
    if (opts.signal?.aborted) return failure('NETWORK', 'aborted', true);
    return failure('NETWORK', `network error: ${networkReason(err)}`, true);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    return failure('NETWORK', `answer cut off: ${networkReason(err)}`, true);
  }
  let json: unknown = undefined;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function isFailure(x: HttpAnswer | SendFailure): x is SendFailure {
  return 'ok' in x;
}

/** Maps a non-2xx HTTP status: 408/429/5xx may pass on a retry, other 4xx will not. */
export function httpStatusFailure(status: number, service: string, retryAfterMs?: number): SendFailure {
  const retryable = status === 408 || status === 429 || status >= 500;
  return failure(status === 429 ? 'THROTTLED' : 'HTTP_ERROR', `${service} answered HTTP ${status}`, retryable, {
    providerCode: String(status),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return err instanceof Error ? err.name : 'unknown';
}

export function readObject(json: unknown): Record<string, unknown> | undefined {
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}
