import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withMonitoring } from './cloudfunction.js';
import { Recorder } from './recorder.js';
import { MemorySink, type EventSink } from './sink.js';

const ctx = { request_id: 'req-1', function_name: 'fn', time_limit_in_ms: 3000 };

test('returns the very same result and rethrows the very same error', async () => {
  const sink = new MemorySink();
  const recorder = new Recorder({ sink });
  const value = { a: 1 };
  const err = new TypeError('nope');
  assert.equal(await withMonitoring(async () => value, { recorder })({}, ctx), value);
  await assert.rejects(withMonitoring(async () => Promise.reject(err), { recorder })({}, ctx), (e) => e === err);
  await assert.rejects(
    withMonitoring(() => {
      throw err;
    }, { recorder })({}, ctx),
    (e) => e === err,
  );
  assert.equal(await withMonitoring((e: number) => e * 2, { recorder })(21, ctx), 42, 'sync handlers too');
  assert.deepEqual(sink.ofType('function_invocation').map((e) => e.ok), [true, false, false, true]);
  assert.equal(sink.flushes, 4);
});

test('never throws itself: a sink that throws and rejects changes nothing for the host', async () => {
  const broken: EventSink = {
    capture() {
      throw new Error('capture broke');
    },
    flush: () => Promise.reject(new Error('flush broke')),
  };
  const recorder = new Recorder({ sink: broken });
  const main = withMonitoring(async () => 'fine', { recorder });
  assert.equal(await main({}, ctx), 'fine');
  assert.equal(await main({}, null as unknown as typeof ctx), 'fine', 'even without a context');
  assert.ok(recorder.internalErrors >= 2);
});

test('the flush is bounded by its budget', async () => {
  const hanging: EventSink = { capture() {}, flush: () => new Promise(() => undefined) };
  const main = withMonitoring(async () => 1, { recorder: new Recorder({ sink: hanging }), flushBudgetMs: 50 });
  const t0 = performance.now();
  await main({}, ctx);
  const took = performance.now() - t0;
  assert.ok(took >= 45 && took < 150, `took ${took} ms`);
});

test('flushIntervalMs batches successes but always flushes errors', async () => {
  const sink = new MemorySink();
  const main = withMonitoring(async (e: { fail?: boolean }) => {
    if (e.fail) throw new Error('x');
    return 1;
  }, { recorder: new Recorder({ sink }), flushIntervalMs: 60_000 });
  await main({}, ctx);
  await main({}, ctx);
  await main({ fail: true }, ctx).catch(() => undefined);
  assert.equal(sink.flushes, 2, 'first success (interval elapsed since start) and the error');
});

test('in-flight concurrency and uid pseudonym', async () => {
  const sink = new MemorySink();
  const main = withMonitoring(async () => new Promise((r) => setTimeout(r, 20)), { recorder: new Recorder({ sink, pseudonymKey: 'secret-key-0123456789' }), userId: () => 'oOpenId123' });
  await Promise.all([main({}, ctx), main({}, ctx), main({}, ctx)]);
  const evs = sink.ofType('function_invocation');
  assert.deepEqual(evs.map((e) => e.concurrency).sort(), [1, 2, 3]);
  assert.ok(evs.every((e) => e.uid?.startsWith('u_') && !e.uid.includes('oOpenId')));
});
