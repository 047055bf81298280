/**
 * The quiet-day rig can fail: the same day rig (platform on the simulator's clock), started at
 * 13:00 simulated, with a latency spike injected at 14:00 raises the scenario's alert within the
 * simulated hour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENARIOS } from '../../src/demo/scenarios.js';
import { ManualClock } from '../../src/util/clock.js';
import { HOUR, hhmm, inject, openAlert, runClock, startDayRig, YESTERDAY } from './kit.js';

test('the day rig can fail: api-latency-spike injected at 14:00 simulated raises api_response_time P1', async () => {
  const clock = new ManualClock(YESTERDAY + 13 * HOUR);
  const rig = await startDayRig(clock);
  try {
    await runClock(clock, YESTERDAY + 14 * HOUR);
    assert.deepEqual(await rig.alerts(), [], 'quiet before the fault');
    assert.equal(await inject(rig, 'api-latency-spike'), 202);
    const expected = SCENARIOS['api-latency-spike'].expect[0]!;
    const a = await rig.waitFor(`${expected.metric} ${expected.level}`, async () => {
      const x = await openAlert(rig, expected.metric);
      return x?.level === expected.level ? x : undefined;
    }, 90_000);
    console.log(`${a.metricId} ${a.level} value=${a.value} opened at ${hhmm(a.startsAt)} simulated`);
    assert.ok(a.startsAt >= YESTERDAY + 14 * HOUR && a.startsAt < YESTERDAY + 15 * HOUR, `opened at ${hhmm(a.startsAt)}`);
    const others = (await rig.alerts()).filter((x) => !SCENARIOS['api-latency-spike'].expect.some((e) => e.metric === x.metricId));
    assert.deepEqual(others.map((x) => `${x.metricId} ${x.level}`), [], 'only the scenario alert');
  } finally {
    await rig.close();
  }
});
