/**
 * `instrumentDifyFetch(fetch)`: a drop-in `fetch` that measures Dify's run endpoints
 * (`/v1/workflows/run`, `/v1/workflows/{id}/run`, `/v1/chat-messages`, `/v1/completion-messages`)
 * in blocking and streaming mode and passes every other request through untouched. The caller
 * gets the same status, headers and bytes; the SDK keeps no input or output.
 */
import { recorderOf, type WithRecorder } from '../global.js';
import { DifyCall } from './observe.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface DifyMonitorOptions extends WithRecorder {
  /** workflow name to report (a Dify API key belongs to one app), or a function of the endpoint */
  workflow?: string | ((endpoint: string, url: string) => string);
  /** abort calls that take longer, ms (reported as time-outs); none by default */
  timeoutMs?: number;
}

const ENDPOINTS: [RegExp, string][] = [
  [/\/v1\/workflows\/run\/?$/, 'workflows/run'],
  [/\/v1\/workflows\/[^/]+\/run\/?$/, 'workflows/run'],
  [/\/v1\/chat-messages\/?$/, 'chat-messages'],
  [/\/v1\/completion-messages\/?$/, 'completion-messages'],
];

function endpointOf(url: string): string | undefined {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  for (const [re, name] of ENDPOINTS) if (re.test(path)) return name;
  return undefined;
}

export function instrumentDifyFetch(fetchImpl: FetchLike = globalThis.fetch, options: DifyMonitorOptions = {}): FetchLike {
  return async function difyFetch(input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')).toUpperCase();
    const endpoint = method === 'POST' ? endpointOf(url) : undefined;
    if (!endpoint) return fetchImpl(input, init);
    const rec = recorderOf(options);
    const wf = options.workflow;
    const call = new DifyCall(rec, typeof wf === 'function' ? wf(endpoint, url) : (wf ?? `dify:${endpoint}`), endpoint);
    if (typeof init?.body === 'string' && /"response_mode"\s*:\s*"streaming"/.test(init.body)) call.mode = 'streaming';
    let finalInit = init;
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      const t = AbortSignal.timeout(options.timeoutMs);
      finalInit = { ...init, signal: init?.signal ? AbortSignal.any([init.signal, t]) : t };
    }
    let res: Response;
    try {
      res = await fetchImpl(input, finalInit);
    } catch (err) {
      call.finish(err);
      throw err;
    }
    try {
      call.headers(res.status, res.headers.get('content-type'));
      if (!res.ok || !res.body) {
        const text = await res.text().catch(() => '');
        if (!res.ok) call.errorBody(text);
        call.finish();
        return new Response(res.status === 204 || res.status === 304 ? null : text, { status: res.status, statusText: res.statusText, headers: res.headers });
      }
      return passThrough(res, call);
    } catch (err) {
      call.finish(err);
      throw err;
    }
  };
}

/** The same response with a body that lets `call` see every chunk on its way to the caller. */
function passThrough(res: Response, call: DifyCall): Response {
  const body = res.body;
  if (!body) return res;
  const reader = body.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (err) {
        call.finish(err);
        ctrl.error(err);
        return;
      }
      if (r.done) {
        call.finish();
        ctrl.close();
        return;
      }
      try {
        call.chunk(r.value);
      } catch {
        // observation must never break the caller's stream
      }
      ctrl.enqueue(r.value);
    },
    cancel(reason) {
      const err = new Error('response body cancelled by the caller');
      err.name = 'AbortError';
      call.finish(err);
      return reader.cancel(reason);
    },
  });
  const out = new Response(stream, { status: res.status, statusText: res.statusText, headers: res.headers });
  Object.defineProperty(out, 'url', { value: res.url });
  return out;
}
