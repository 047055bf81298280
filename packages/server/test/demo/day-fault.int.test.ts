/**
 * The quiet-day rig can fail: the same day rig (platform on the simulator's clock) with a latency
 * spike injected at 14:00 simulated raises the scenario's alert within the hour, and an SOS nobody
 * answers pages at the real limits (30 s, 60 s) counted in simulated seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCENARIOS } from '../../src/demo/scenarios.js';
import { ManualClock } from '../../src/util/clock.js';
import { getJson } from '../helpers.js';
import { HOUR, hhmm, inject, openAlert, removeScenario, runClock, startDayRig, YESTERDAY } from './kit.js';

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

type Timeline = { alert: { id: string; status: string }; timeline: { at: number; kind: string; detail: Record<string, unknown> }[] };

test('sos-unanswered in simulated time: P1 after the real 30 s, P0 after 60 s; resolved when answered', async () => {
  const clock = new ManualClock(YESTERDAY + 10 * HOUR);
  const rig = await startDayRig(clock);
  try {
    await runClock(clock, YESTERDAY + 10 * HOUR + 2 * 60_000);
    assert.equal(await inject(rig, 'sos-unanswered'), 202);
    const p0 = await rig.waitFor('SOS alert at P0', async () => (await rig.alerts('firing,acknowledged')).find((x) => x.metricId === 'sos_response_time' && x.level === 'P0'), 60_000);
    const { timeline } = await getJson<Timeline>(`${rig.tp.url}/api/alerts/${p0.id}`);
    const opened = timeline.find((e) => e.kind === 'opened');
    const upgraded = timeline.find((e) => e.kind === 'upgraded');
    assert.ok(opened && upgraded, JSON.stringify(timeline.map((e) => e.kind)));
    const waited = Number(opened.detail.value);
    // the evaluation that saw it first: past 30 s, within a few simulated seconds of it
    assert.equal(opened.detail.level, 'P1');
    // (the opened value is rounded to 0.1 s: the runner wakes 1 ms past the deadline, 30.001 s reads 30)
    assert.ok(waited >= 30 && waited < 45, `P1 opened after ${waited} s`);
    const atUpgrade = Math.round(upgraded.at - (opened.at - waited * 1000)) / 1000;
    console.log(`SOS unanswered: P1 at ${waited} s, P0 at ${atUpgrade} s (simulated; opened ${hhmm(opened.at)})`);
    assert.ok(atUpgrade > 59.9 && atUpgrade < 75, `P0 after ${atUpgrade} s`);
    assert.equal(await removeScenario(rig, 'sos-unanswered'), true);
    await rig.waitFor('the SOS alert resolved', async () => (await rig.alerts('resolved')).some((a) => a.id === p0.id), 60_000);
  } finally {
    await rig.close();
  }
});

test('day mode: an SOS pressed as the simulator stops is still answered, in simulated seconds', async () => {
  const clock = new ManualClock(YESTERDAY + 10 * HOUR);
  const rig = await startDayRig(clock);
  try {
    await runClock(clock, YESTERDAY + 10 * HOUR + 60_000);
    const before = rig.sim.snapshot().backend;
    // what a session still running after the last tick does: the day's clock no longer moves
    rig.sim.backend.pressSos('demo-user-00001');
    const pressedAt = clock.now();
    await rig.sim.stop();
    const after = rig.sim.snapshot().backend;
    assert.equal(after.sos, before.sos + 1);
    assert.equal(after.sosAnswered, after.sos, 'every SOS answered, the last one included');
    assert.ok(clock.now() - pressedAt <= 60_000, `settled within a simulated minute (${(clock.now() - pressedAt) / 1000} s)`);
  } finally {
    await rig.close();
  }
});
