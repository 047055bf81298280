/**
 * The Dify instrumentation against a stand-in speaking Dify's documented API: blocking and SSE
 * streaming, chat, error bodies, 5xx, time-outs, pass-through of other requests.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySink, Recorder, createDifyClient, instrumentDifyFetch, DifyError, type DifyStreamEvent } from '../src/index.js';
import { DifyStandIn } from './standins/dify.js';

let dify: DifyStandIn;
before(async () => {
  dify = await new DifyStandIn().start();
});
after(() => dify.stop());

function client(timeoutMs?: number) {
  const sink = new MemorySink();
  const recorder = new Recorder({ sink });
  const c = createDifyClient({ baseUrl: dify.url, apiKey: dify.apiKey, workflow: 'risk-identification', recorder, timeoutMs });
  return { sink, c };
}
const SECRET_INPUT = { text: '我不想活了 13812345678' };

test('blocking workflow: times, Dify elapsed time, tokens, status; result untouched', async () => {
  const { sink, c } = client();
  dify.next({ kind: 'ok', delayMs: 40, elapsedS: 0.42, tokens: 321 });
  const out = await c.runWorkflow({ inputs: SECRET_INPUT, user: 'u1' });
  assert.equal(out.data.status, 'succeeded');
  assert.deepEqual(out.data.outputs, { risk_level: 'high' });
  const [ev] = sink.ofType('ai_call');
  assert.ok(ev);
  assert.equal(ev.workflow, 'risk-identification');
  assert.equal(ev.endpoint, 'workflows/run');
  assert.equal(ev.mode, 'blocking');
  assert.equal(ev.ok, true);
  assert.equal(ev.status, 'succeeded');
  assert.equal(ev.httpStatus, 200);
  assert.equal(ev.difyElapsed, 420);
  assert.equal(ev.tokens, 321);
  assert.ok((ev.ttfb ?? 0) >= 38, `ttfb ${ev.ttfb}`);
  assert.ok(ev.duration >= (ev.ttfb ?? 0));
  const wire = JSON.stringify(sink.events);
  assert.ok(!wire.includes('不想活') && !wire.includes('13812345678') && !wire.includes('risk_level'), 'no inputs or outputs');
});

test('streaming workflow: first byte, first chunk, total; events reach the caller intact', async () => {
  const { sink, c } = client();
  dify.next({ kind: 'ok', delayMs: 300, chunkDelayMs: 25, chunks: ['a', 'b', 'c'], pings: 2, elapsedS: 1.5, tokens: 99 });
  const seen: DifyStreamEvent[] = [];
  for await (const e of c.streamWorkflow({ inputs: SECRET_INPUT, user: 'u1' })) seen.push(e);
  assert.deepEqual(
    seen.map((e) => e.event),
    ['workflow_started', 'ping', 'ping', 'node_started', 'text_chunk', 'text_chunk', 'text_chunk', 'node_finished', 'workflow_finished'],
  );
  const [ev] = sink.ofType('ai_call');
  assert.ok(ev);
  assert.equal(ev.mode, 'streaming');
  assert.equal(ev.ok, true);
  assert.equal(ev.difyElapsed, 1500);
  assert.equal(ev.tokens, 99);
  // the stand-in sends headers at once and the first chunk after 300 ms (orders, not tight timings)
  assert.ok((ev.ttfb ?? 999) < (ev.firstChunk ?? 0), `headers (${ev.ttfb}) arrive before the first chunk (${ev.firstChunk})`);
  assert.ok((ev.firstChunk ?? 0) >= 295, `first chunk after the delay: ${ev.firstChunk}`);
  assert.ok(ev.duration >= (ev.firstChunk ?? 0) + 45, `total ${ev.duration}`);
});

test('chat messages, blocking and streaming: tokens and latency from usage', async () => {
  const { sink, c } = client();
  dify.next({ kind: 'ok', tokens: 50, elapsedS: 0.3 }, { kind: 'ok', tokens: 60, elapsedS: 0.7 });
  await c.chat({ inputs: {}, query: '你好', user: 'u1' });
  const events: string[] = [];
  for await (const e of c.streamChat({ inputs: {}, query: '你好', user: 'u1' })) events.push(e.event);
  assert.ok(events.includes('message') && events.includes('message_end'));
  const [a, b] = sink.ofType('ai_call');
  assert.equal(a?.endpoint, 'chat-messages');
  assert.deepEqual([a?.mode, a?.tokens, a?.difyElapsed, a?.ok], ['blocking', 50, 300, true]);
  assert.deepEqual([b?.mode, b?.tokens, b?.difyElapsed, b?.ok], ['streaming', 60, 700, true]);
  assert.ok(b?.firstChunk !== undefined);
});

test("Dify error codes and 5xx: the caller's error is unchanged, the event carries code and status", async () => {
  const { sink, c } = client();
  dify.next(
    { kind: 'error', httpStatus: 400, code: 'provider_quota_exceeded', message: 'Your quota for Dify Hosted OpenAI has been exhausted.' },
    { kind: 'error', httpStatus: 400, code: 'app_unavailable', message: 'App unavailable, please check your app configurations.' },
    { kind: 'error', httpStatus: 500, code: 'internal_server_error', message: 'Internal Server Error' },
  );
  for (const code of ['provider_quota_exceeded', 'app_unavailable', 'internal_server_error']) {
    await assert.rejects(c.runWorkflow({ inputs: {}, user: 'u1' }), (e: unknown) => e instanceof DifyError && e.code === code);
  }
  const evs = sink.ofType('ai_call');
  assert.deepEqual(evs.map((e) => [e.ok, e.errorCode, e.httpStatus]), [
    [false, 'provider_quota_exceeded', 400],
    [false, 'app_unavailable', 400],
    [false, 'internal_server_error', 500],
  ]);
  assert.match(String(evs[0]?.attrs?.errorMessage), /quota/);
});

test('workflow failed (200 with status failed) and an error event inside the stream', async () => {
  const { sink, c } = client();
  dify.next({ kind: 'workflow_failed', error: 'LLM node failed' }, { kind: 'stream_error', status: 400, code: 'completion_request_error', message: 'model error' });
  const out = await c.runWorkflow({ inputs: {}, user: 'u1' });
  assert.equal(out.data.status, 'failed');
  for await (const _e of c.streamWorkflow({ inputs: {}, user: 'u1' })) void _e;
  const [a, b] = sink.ofType('ai_call');
  assert.deepEqual([a?.ok, a?.status, a?.errorCode], [false, 'failed', 'workflow_failed']);
  assert.deepEqual([b?.ok, b?.errorCode, b?.mode], [false, 'completion_request_error', 'streaming']);
});

test('time-outs: before the headers and in the middle of a stream', async () => {
  const { sink, c } = client(150);
  dify.next({ kind: 'hang' });
  const t0 = performance.now();
  await assert.rejects(c.runWorkflow({ inputs: {}, user: 'u1' }), (e: unknown) => (e as Error).name === 'TimeoutError');
  assert.ok(performance.now() - t0 < 1000);
  dify.next({ kind: 'ok', chunks: ['a', 'b', 'c'], chunkDelayMs: 120 });
  await assert.rejects(async () => {
    for await (const _e of c.streamWorkflow({ inputs: {}, user: 'u1' })) void _e;
  });
  const [a, b] = sink.ofType('ai_call');
  assert.deepEqual([a?.ok, a?.timeout, a?.errorCode, a?.httpStatus], [false, true, 'timeout', undefined]);
  assert.ok((a?.duration ?? 0) >= 140);
  assert.deepEqual([b?.ok, b?.timeout, b?.mode], [false, true, 'streaming']);
  assert.ok(b?.firstChunk !== undefined);
});

test('other requests pass through untouched; the stand-in saw the real request', async () => {
  const sink = new MemorySink();
  const f = instrumentDifyFetch(fetch, { recorder: new Recorder({ sink }) });
  const res = await f(`${dify.url}/v1/parameters`);
  assert.equal(res.status, 404);
  assert.equal(sink.events.length, 0);
  const before = dify.received.length;
  const r2 = await f(`${dify.url}/v1/workflows/run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dify.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: { a: 1 }, user: 'x', response_mode: 'blocking' }),
  });
  assert.equal(r2.status, 200);
  assert.equal(((await r2.json()) as { data: { status: string } }).data.status, 'succeeded');
  assert.deepEqual(dify.received[before]?.body, { inputs: { a: 1 }, user: 'x', response_mode: 'blocking' });
  assert.equal(sink.ofType('ai_call')[0]?.workflow, 'dify:workflows/run');
});
