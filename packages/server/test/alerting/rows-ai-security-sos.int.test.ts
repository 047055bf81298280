/** SPEC.md §2 rows 20–26 (SOS per SOS, risk accuracy, retention, the four security detections), through the whole chain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN, S, T0, alerts, assertPaged, expectedPeople, levelsOf, mark, noRejections, onCallAt, postAt, startChain, turn } from './harness.js';
import { describeRows } from './scenario.js';

const IDS = ['risk_accuracy', 'user_retention', 'abnormal_access', 'unauthorised_operation', 'sensitive_data_access', 'data_leak_risk'];

describeRows(IDS);

test('sos_response_time (per SOS, via the collector): answered in 20 s → nothing; unanswered 30 s → P1, 60 s → P0 with phone calls to the operations lead and the on-call engineer; the answer resolves once with the real response time', async () => {
  const p = await startChain();
  const sos = (sosId: string, action: 'triggered' | 'answered') => postAt(p, [{ events: [{ type: 'sos', sosId, action, ...(action === 'answered' ? { by: 'operations' } : {}) }], sdk: 'node', ts: p.clock.now() }]);
  const at = async (ms: number) => {
    p.clock.set(ms);
    await turn(p);
  };
  try {
    p.clock.set(T0);
    await sos('sos-quick-1', 'triggered');
    await at(T0);
    p.clock.set(T0 + 20 * S);
    await sos('sos-quick-1', 'answered');
    await at(T0 + 20 * S);
    await at(T0 + 90 * S);
    assert.deepEqual(await alerts(p), [], 'an SOS answered within 30 s raises nothing');

    const t = T0 + 5 * MIN;
    p.clock.set(t);
    await sos('sos-7f1c', 'triggered');
    await at(t);
    await at(t + 30 * S);
    assert.deepEqual(await alerts(p), [], 'not after exactly 30 s');
    const p1 = mark(p);
    await at(t + 31 * S);
    await at(t + 37 * S); // P1 group wait (5 s)
    const [a] = await alerts(p);
    assert.equal(a?.level, 'P1');
    assert.ok(!JSON.stringify(a?.labels).includes('sos-7f1c'), 'the SOS id is not on the alert');
    const levels = levelsOf(p);
    assertPaged(p1(), '[P1 告警] SOS响应时间', 'P1', levels.P1.channels, expectedPeople(p, 'P1', 'operations_lead', t + 31 * S), 'SOS 30 s');
    const p0 = mark(p);
    await at(t + 61 * S);
    const people = expectedPeople(p, 'P0', 'operations_lead', t + 61 * S);
    assert.ok(people.includes('he') && people.includes(onCallAt(t)), 'the operations lead and the on-call ops engineer are among them');
    assertPaged(p0(), '[P0 告警] SOS响应时间', 'P0', levels.P0.channels, people, 'SOS 60 s');
    assert.equal((await alerts(p))[0]?.level, 'P0');

    p.clock.set(t + 74 * S);
    await sos('sos-7f1c', 'answered');
    await at(t + 74 * S); // streaming: the answer is evaluated at once
    await at(t + 80 * S);
    await at(t + 10 * MIN);
    const [done, ...more] = await alerts(p);
    assert.equal(more.length, 0);
    assert.equal(done?.status, 'resolved');
    assert.equal(done?.value, 74, 'the real response time, in seconds');
    const resolved = p.ding.messages.filter((m) => m.title.startsWith('[P0 已恢复] SOS响应时间')).length + p.smtp.mails.filter((m) => m.subject.startsWith('[P0 已恢复] SOS响应时间')).length;
    assert.equal(resolved, 2, 'one resolved notice on DingTalk and one by e-mail');
    noRejections(p);
  } finally {
    await p.close();
  }
});
