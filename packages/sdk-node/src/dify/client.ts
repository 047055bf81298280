/**
 * A small Dify client over the instrumented fetch: blocking and streaming workflow runs and chat
 * messages. Errors come back as `DifyError` carrying Dify's `{code, message, status}`.
 */
import { instrumentDifyFetch, type DifyMonitorOptions, type FetchLike } from './fetch.js';
import { SseParser, toDifyEvent, type DifyStreamEvent } from './sse.js';

export interface DifyClientOptions extends DifyMonitorOptions {
  /** e.g. `https://api.dify.ai` (without `/v1`) */
  baseUrl: string;
  apiKey: string;
  fetch?: FetchLike;
}

export class DifyError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DifyError';
  }
}

export interface RunArgs {
  inputs: Record<string, unknown>;
  user: string;
  signal?: AbortSignal;
}
export interface ChatArgs extends RunArgs {
  query: string;
  conversationId?: string;
}

export interface DifyWorkflowResult {
  workflow_run_id: string;
  task_id: string;
  data: { status: string; outputs?: Record<string, unknown> | null; error?: string | null; elapsed_time?: number; total_tokens?: number; total_steps?: number };
}

export function createDifyClient(options: DifyClientOptions) {
  const f = instrumentDifyFetch(options.fetch ?? globalThis.fetch, options);
  const base = options.baseUrl.replace(/\/+$/, '');

  async function post(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
    const res = await f(`${base}/v1/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) {
      const text = await res.text();
      let e: { code?: unknown; message?: unknown } = {};
      try {
        e = JSON.parse(text) as typeof e;
      } catch {
        // not JSON: keep the HTTP status
      }
      throw new DifyError(typeof e.code === 'string' ? e.code : `http_${res.status}`, typeof e.message === 'string' ? e.message : res.statusText, res.status);
    }
    return res;
  }

  async function* events(res: Response): AsyncGenerator<DifyStreamEvent> {
    if (!res.body) return;
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          break;
        }
        for (const m of parser.feed(decoder.decode(value, { stream: true }))) {
          const ev = toDifyEvent(m);
          if (ev) yield ev;
        }
      }
    } finally {
      if (!finished) await reader.cancel().catch(() => undefined);
    }
    for (const m of parser.end()) {
      const ev = toDifyEvent(m);
      if (ev) yield ev;
    }
  }

  return {
    async runWorkflow(a: RunArgs): Promise<DifyWorkflowResult> {
      const res = await post('workflows/run', { inputs: a.inputs, user: a.user, response_mode: 'blocking' }, a.signal);
      return (await res.json()) as DifyWorkflowResult;
    },
    async *streamWorkflow(a: RunArgs): AsyncGenerator<DifyStreamEvent> {
      yield* events(await post('workflows/run', { inputs: a.inputs, user: a.user, response_mode: 'streaming' }, a.signal));
    },
    async chat(a: ChatArgs): Promise<Record<string, unknown>> {
      const body = { inputs: a.inputs, query: a.query, user: a.user, response_mode: 'blocking', conversation_id: a.conversationId ?? '' };
      return (await (await post('chat-messages', body, a.signal)).json()) as Record<string, unknown>;
    },
    async *streamChat(a: ChatArgs): AsyncGenerator<DifyStreamEvent> {
      const body = { inputs: a.inputs, query: a.query, user: a.user, response_mode: 'streaming', conversation_id: a.conversationId ?? '' };
      yield* events(await post('chat-messages', body, a.signal));
    },
  };
}

export type DifyClient = ReturnType<typeof createDifyClient>;
