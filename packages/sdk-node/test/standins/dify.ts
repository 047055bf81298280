/**
 * A Dify stand-in speaking the documented service API: `POST /v1/workflows/run` and
 * `POST /v1/chat-messages` with a Bearer app key, `response_mode` blocking (one JSON answer) or
 * streaming (SSE: workflow_started, node_started, node_finished, text_chunk / message, `event:
 * ping`, workflow_finished / message_end), and Dify's error bodies `{code, message, status}`.
 * Tests queue the behaviour of the next calls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { close, listen, sleep } from '../support.js';

export type DifyScenario =
  | { kind: 'ok'; delayMs?: number; elapsedS?: number; tokens?: number; chunks?: string[]; chunkDelayMs?: number; pings?: number }
  | { kind: 'error'; httpStatus: number; code: string; message: string }
  | { kind: 'workflow_failed'; error: string }
  | { kind: 'stream_error'; code: string; message: string; status: number }
  | { kind: 'hang' };

export class DifyStandIn {
  readonly apiKey = 'app-standin0000000000000000';
  url = '';
  readonly received: { path: string; body: Record<string, unknown> }[] = [];
  private readonly queue: DifyScenario[] = [];
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  /** The behaviour of the next call (calls without one queued succeed). */
  next(...s: DifyScenario[]): void {
    this.queue.push(...s);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const fail = (status: number, code: string, message: string) => json(res, status, { code, message, status });
    if (req.method !== 'POST' || (path !== '/v1/workflows/run' && path !== '/v1/chat-messages')) return fail(404, 'not_found', 'The requested URL was not found on the server.');
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return fail(401, 'unauthorized', 'Access token is invalid');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return fail(400, 'invalid_param', 'Invalid JSON body');
    }
    const mode = body.response_mode;
    if (typeof body.inputs !== 'object' || body.inputs === null) return fail(400, 'invalid_param', 'inputs is required');
    if (typeof body.user !== 'string') return fail(400, 'invalid_param', 'user is required');
    if (mode !== 'blocking' && mode !== 'streaming') return fail(400, 'invalid_param', 'response_mode must be blocking or streaming');
    if (path === '/v1/chat-messages' && typeof body.query !== 'string') return fail(400, 'invalid_param', 'query is required');
    this.received.push({ path, body });
    const s = this.queue.shift() ?? { kind: 'ok' };
    if (s.kind === 'hang') return; // never answers; the client's time-out must fire
    if (s.kind === 'error') return fail(s.httpStatus, s.code, s.message);
    const chat = path === '/v1/chat-messages';
    if (mode === 'blocking') return this.blocking(res, s, chat);
    return this.streaming(res, s, chat);
  }

  private async blocking(res: ServerResponse, s: Exclude<DifyScenario, { kind: 'hang' | 'error' }>, chat: boolean): Promise<void> {
    const ok = s.kind === 'ok' ? s : undefined;
    await sleep(ok?.delayMs ?? 0);
    const taskId = randomUUID();
    const elapsed = ok?.elapsedS ?? 0.42;
    const tokens = ok?.tokens ?? 321;
    if (chat) {
      return json(res, 200, {
        event: 'message', task_id: taskId, id: randomUUID(), message_id: randomUUID(), conversation_id: randomUUID(), mode: 'chat',
        answer: (ok?.chunks ?? ['ok']).join(''),
        metadata: { usage: { prompt_tokens: tokens - 21, completion_tokens: 21, total_tokens: tokens, latency: elapsed } },
        created_at: Math.floor(Date.now() / 1000),
      });
    }
    const failed = s.kind === 'workflow_failed' || s.kind === 'stream_error';
    const runId = randomUUID();
    json(res, 200, {
      workflow_run_id: runId, task_id: taskId,
      data: {
        id: runId, workflow_id: randomUUID(), status: failed ? 'failed' : 'succeeded',
        outputs: failed ? null : { risk_level: 'high' }, error: s.kind === 'workflow_failed' ? s.error : null,
        elapsed_time: elapsed, total_tokens: tokens, total_steps: 3,
        created_at: Math.floor(Date.now() / 1000), finished_at: Math.floor(Date.now() / 1000),
      },
    });
  }

  private async streaming(res: ServerResponse, s: Exclude<DifyScenario, { kind: 'hang' | 'error' }>, chat: boolean): Promise<void> {
    const ok = s.kind === 'ok' ? s : undefined;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const taskId = randomUUID();
    const runId = randomUUID();
    const send = (ev: Record<string, unknown>) => res.write(`data: ${JSON.stringify({ task_id: taskId, workflow_run_id: runId, ...ev })}\n\n`);
    const now = () => Math.floor(Date.now() / 1000);
    send({ event: 'workflow_started', data: { id: runId, workflow_id: randomUUID(), sequence_number: 1, created_at: now() } });
    await sleep(ok?.delayMs ?? 0);
    for (let i = 0; i < (ok?.pings ?? 1); i++) res.write('event: ping\n\n');
    send({ event: 'node_started', data: { id: randomUUID(), node_id: 'llm', node_type: 'llm', title: 'LLM', index: 1, created_at: now() } });
    if (s.kind === 'stream_error') {
      res.end(`data: ${JSON.stringify({ event: 'error', task_id: taskId, message_id: randomUUID(), status: s.status, code: s.code, message: s.message })}\n\n`);
      return;
    }
    for (const text of ok?.chunks ?? ['risk ', 'assessed']) {
      if (chat) send({ event: 'message', message_id: randomUUID(), conversation_id: randomUUID(), answer: text, created_at: now() });
      else send({ event: 'text_chunk', data: { text, from_variable_selector: ['llm', 'text'] } });
      await sleep(ok?.chunkDelayMs ?? 0);
    }
    send({ event: 'node_finished', data: { id: randomUUID(), node_id: 'llm', node_type: 'llm', title: 'LLM', index: 1, status: s.kind === 'workflow_failed' ? 'failed' : 'succeeded', elapsed_time: 0.2, created_at: now() } });
    const elapsed = ok?.elapsedS ?? 0.42;
    const tokens = ok?.tokens ?? 321;
    if (chat) {
      send({ event: 'message_end', message_id: randomUUID(), conversation_id: randomUUID(), metadata: { usage: { total_tokens: tokens, latency: elapsed } } });
    } else {
      send({
        event: 'workflow_finished',
        data: {
          id: runId, workflow_id: randomUUID(), status: s.kind === 'workflow_failed' ? 'failed' : 'succeeded', outputs: s.kind === 'workflow_failed' ? null : { risk_level: 'high' },
          error: s.kind === 'workflow_failed' ? s.error : null, elapsed_time: elapsed, total_tokens: tokens, total_steps: 3, created_at: now(), finished_at: now(),
        },
      });
    }
    res.end();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
