/**
 * Real handlers under the cloud-function harness (one child process per instance: cold start,
 * reuse, concurrency, time-outs, SIGSTOP freeze after return), sending to the real collector.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CloudFunctionHarness, type FunctionSpec } from './harness/scf.js';
import { startCollector, type Collector } from './collector.js';
import { sleep } from './support.js';

const module = fileURLToPath(new URL('./functions/checkin.ts', import.meta.url));
let collector: Collector;
const harnesses: CloudFunctionHarness[] = [];

before(async () => {
  collector = await startCollector();
});
after(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  await collector.stop();
});

function harness(name: string, spec: Partial<FunctionSpec> = {}): CloudFunctionHarness {
  const h = new CloudFunctionHarness({
    module,
    name,
    timeLimitMs: 3000,
    ...spec,
    env: { MGOPS_ENDPOINT: collector.url, MGOPS_KEY: collector.key, MGOPS_ENV: 'staging', MGOPS_PSEUDONYM_KEY: 'k'.repeat(32), ...spec.env },
  });
  harnesses.push(h);
  return h;
}

async function invocations(fn: string, n: number) {
  const until = Date.now() + 5000;
  for (;;) {
    const evs = (await collector.events('function_invocation')).filter((e) => e.fn === fn);
    if (evs.length >= n || Date.now() > until) return evs;
    await sleep(50);
  }
}

test('cold start once per instance, then warm reuse; context, memory and CPU recorded; results untouched', async () => {
  const h = harness('cf_reuse');
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await h.invoke({ n: i, uid: `oUser${i}` }));
  assert.deepEqual(results.map((r) => [r.ok, r.instance, r.cold, (r.value as { n: number }).n]), [
    [true, 0, true, 0],
    [true, 0, false, 1],
    [true, 0, false, 2],
    [true, 0, false, 3],
  ]);
  assert.equal(h.state()[0]?.frozen, true, 'the instance is frozen between invocations');
  const evs = await invocations('cf_reuse', 4);
  assert.equal(evs.length, 4, 'every invocation was delivered before its instance froze');
  const byReq = new Map(evs.map((e) => [e.requestId, e]));
  const first = byReq.get(results[0]?.requestId ?? '');
  assert.ok(first);
  assert.equal(first.cold, true);
  assert.ok((first.initDuration ?? 0) > 0, 'init time measured on the cold start');
  for (const r of results.slice(1)) {
    const e = byReq.get(r.requestId);
    assert.equal(e?.cold, false);
    assert.equal(e?.initDuration, undefined);
  }
  for (const e of evs) {
    assert.equal(e.version, '$LATEST');
    assert.equal(e.timeLimit, 3000);
    assert.equal(e.ok, true);
    assert.ok((e.memoryMb ?? 0) > 10, 'RSS in MB');
    assert.ok((e.cpuMs ?? -1) >= 0);
    assert.equal(e.attrs?.memoryLimitMb, 256);
    assert.match(String(e.uid), /^u_[A-Za-z0-9_-]{22}$/, 'only a keyed pseudonym of the user');
  }
});

test("errors: the caller gets the handler's own error; the platform gets type, code, masked message", async () => {
  const h = harness('cf_error');
  const r = await h.invoke({ fail: true });
  assert.equal(r.ok, false);
  assert.deepEqual(r.error, { name: 'Error', message: 'check-in failed for user 13812345678' });
  const [e] = await invocations('cf_error', 1);
  assert.equal(e?.ok, false);
  assert.equal(e?.error?.type, 'Error');
  assert.equal(e?.error?.code, 'E_CHECKIN');
  assert.equal(e?.error?.message, 'check-in failed for user [mobile]');
  assert.ok(!JSON.stringify(e).includes('13812345678'));
});

test('concurrent invocations: new instances, each a cold start; shared instance counts in-flight', async () => {
  const h = harness('cf_conc');
  const rs = await Promise.all([0, 1, 2].map((n) => h.invoke({ n, sleepMs: 150 })));
  assert.deepEqual(new Set(rs.map((r) => r.instance)).size, 3);
  assert.ok(rs.every((r) => r.cold));
  const shared = harness('cf_shared', { perInstanceConcurrency: 3 });
  await shared.invoke({ n: -1 }); // the instance exists and is warm
  await Promise.all([0, 1, 2].map((n) => shared.invoke({ n, sleepMs: 200 })));
  const evs = await invocations('cf_shared', 4);
  assert.deepEqual(evs.map((e) => e.concurrency).sort(), [1, 1, 2, 3]);
  const conc = await invocations('cf_conc', 3);
  assert.deepEqual(conc.map((e) => e.cold), [true, true, true]);
});

test('time-out: reported before the platform kills the instance; the next call is a cold start', async () => {
  const h = harness('cf_timeout', { timeLimitMs: 1000 });
  const r = await h.invoke({ sleepMs: 5000 });
  assert.equal(r.timedOut, true);
  assert.match(r.error?.message ?? '', /timed out after 1.00 seconds/);
  const [e] = await invocations('cf_timeout', 1);
  assert.equal(e?.ok, false);
  assert.equal(e?.error?.type, 'FunctionTimeout');
  assert.ok((e?.duration ?? 0) >= 600 && (e?.duration ?? 0) < 1000, `reported at ${e?.duration} ms, before the limit`);
  const again = await h.invoke({ n: 1 });
  assert.equal(again.cold, true, 'the timed-out instance was recycled');
});

test('freeze after return: work left behind runs only when the instance is thawed, and is sent then', async () => {
  const h = harness('cf_freeze');
  const r = await h.invoke({ lateMs: 300, uid: 'oLate' });
  assert.ok(r.ok);
  await sleep(900);
  const late = async () => (await collector.events('checkin')).filter((e) => e.outcome === 'failure' && e.reason === 'late');
  assert.equal((await late()).length, 0, 'nothing ran while frozen');
  await h.invoke({ n: 2 }); // thawed: the pending timer fires during this invocation or right after
  await h.invoke({ n: 3 }); // … and is flushed by this one at the latest
  const until = Date.now() + 6000;
  while ((await late()).length === 0 && Date.now() < until) await sleep(50);
  assert.equal((await late()).length, 1);
});

test('metrics read back: cloud_function_duration p95 and error rate per function', async () => {
  const h = harness('cf_metric');
  for (let i = 0; i < 24; i++) await h.invoke({ sleepMs: i < 20 ? 30 : 120, fail: i === 0 });
  await invocations('cf_metric', 24);
  const { values } = (await collector.metric('cloud_function_duration', { by: 'fn' })) as unknown as { values: { filter: { val: string }; value: number; samples: number }[] };
  const mine = values.find((v) => v.filter.val === 'cf_metric');
  assert.ok(mine, 'per-function breakdown');
  assert.equal(mine.samples, 24);
  assert.ok(mine.value >= 110 && mine.value < 200, `p95 ${mine.value}`);
  const err = (await collector.metric('cloud_function_error_rate', { by: 'fn' })) as unknown as { values: { filter: { val: string }; details: { failures: number } }[] };
  assert.equal(err.values.find((v) => v.filter.val === 'cf_metric')?.details.failures, 1);
});
