/**
 * Demo scenarios end to end, back-end faults (§6.1, §6.2): slow database queries, a wave of
 * cloud-function errors, failing check-ins. Each raises its SPEC.md alert at the right level for
 * the matrix responder, and resolves after a full window once the fault is removed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '../helpers.js';
import { expectAlert, inject, removeScenario, resolveAfterWindow, startDemoRig, type DemoRig } from './kit.js';

let rig: DemoRig;
before(async () => {
  rig = await startDemoRig({ users: 300, speed: 60, lanes: 8, sosShare: 0 });
  await sleep(3000);
});
after(async () => rig.close());

test('slow-db-queries: db_query_time P1 for the DBA, slow_query_count P2; resolves', async () => {
  assert.equal(await inject(rig, 'slow-db-queries'), 202);
  const a = await expectAlert(rig, 'db_query_time', 'P1', 'dba@mindguard.example');
  assert.equal(a.responder, 'dba');
  assert.ok((a.value ?? 0) > 200);
  await rig.waitFor('slow_query_count P2', async () => (await rig.alerts('firing,acknowledged')).find((x) => x.metricId === 'slow_query_count' && x.level === 'P2'));
  await removeScenario(rig, 'slow-db-queries');
  const r = await resolveAfterWindow(rig, 'db_query_time', 5 * 60_000);
  assert.equal(r.id, a.id);
});

test('cloud-function-errors: cloud_function_error_rate > 2 % raises P1 for the back-end developer; resolves', async () => {
  assert.equal(await inject(rig, 'cloud-function-errors'), 202);
  const a = await expectAlert(rig, 'cloud_function_error_rate', 'P1', 'be@mindguard.example');
  assert.ok((a.value ?? 0) > 2, `error rate ${a.value}`);
  await removeScenario(rig, 'cloud-function-errors');
  const r = await resolveAfterWindow(rig, 'cloud_function_error_rate', 5 * 60_000);
  assert.equal(r.id, a.id);
});

test('checkin-failures: checkin_success_rate < 90 % raises P1 for the product manager; resolves', async () => {
  assert.equal(await inject(rig, 'checkin-failures'), 202);
  const a = await expectAlert(rig, 'checkin_success_rate', 'P1', 'pm@mindguard.example', 60_000);
  assert.ok((a.value ?? 100) < 90, `success ${a.value}`);
  await removeScenario(rig, 'checkin-failures');
  const r = await resolveAfterWindow(rig, 'checkin_success_rate', 15 * 60_000);
  assert.equal(r.id, a.id);
});
