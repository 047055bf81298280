/** SPEC.md §2 rows 10–19 (client/cloud-function error rates, capacity gauges, database, feature use, check-ins, tasks), through the whole chain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S, T0, alerts, postAt, startChain, timeline, turn } from './harness.js';
import { describeRows } from './scenario.js';

const IDS = ['client_api_error_rate', 'cloud_function_error_rate', 'concurrent_requests', 'ai_service_success_rate', 'slow_query_count', 'storage_usage', 'db_connections', 'feature_usage_rate', 'checkin_success_rate', 'task_completion_rate'];

describeRows(IDS);

test('concurrent_requests sampled every 60 s (the Node SDK sampler) and evaluated every 15 s: no gaps of "no data", fires at once, resolves after a normal minute', async () => {
  const p = await startChain();
  try {
    const sample = (value: number) => postAt(p, [{ events: [{ type: 'resource', resource: 'concurrency', value, target: 'inst-a' }], sdk: 'node' }]);
    let fired: number | null = null;
    let resolved: number | null = null;
    for (let s = 0; s < 8 * 60; s += 15) {
      p.clock.set(T0 + s * S);
      if (s % 60 === 30) await sample(s < 3 * 60 ? 300 : 100);
      await turn(p);
      const [a] = await alerts(p);
      if (a && fired === null) fired = s;
      if (a?.status === 'resolved' && resolved === null) resolved = s;
    }
    assert.equal(fired, 30, 'fired by the evaluation that saw the first sample');
    assert.ok(resolved !== null && resolved <= 5 * 60, `resolved a normal minute after the first normal sample at 210 s (at ${resolved} s)`);
    const [a] = await alerts(p);
    const kinds = (await timeline(p, a!.id)).map((e) => e.kind);
    assert.ok(!kinds.includes('no_data'), `a sample a minute is never "no data" (${kinds.join(',')})`);
    assert.equal(kinds.filter((k) => k === 'resolved').length, 1);
  } finally {
    await p.close();
  }
});
