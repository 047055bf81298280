import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlertingKit, type AlertingKit } from '../../test/receivers/alerting-kit.js';
import { ManualClock } from '../util/clock.js';
import type { Observation } from '../rules/state.js';
import type { MetricMeta } from './manager.js';

const T0 = Date.UTC(2025, 0, 8, 2, 0); // Wednesday 10:00 Shanghai; alice on call
const S = 1000;
const MIN = 60 * S;

const API: MetricMeta = { nameZh: 'API响应时间', nameEn: 'API response time', unit: 'ms', direction: 'above', responder: 'backend_developer' };
const DB: MetricMeta = { nameZh: '数据库查询时间', nameEn: 'DB query time', unit: 'ms', direction: 'above', responder: 'dba' };
const UNAUTH: MetricMeta = { nameZh: '越权操作', nameEn: 'Unauthorised operations', unit: 'count', responder: 'security_engineer', detected: true };
const CHECKIN: MetricMeta = { nameZh: '情绪打卡成功率', nameEn: 'Check-in success rate', unit: '%', direction: 'below', responder: 'product_manager' };

function obs(metricId: string, state: Observation['state'], level: Observation['level'], value: number, at: number, threshold?: number): Observation {
  return { key: metricId, metricId, labels: {}, state, value, level, windowMs: 5 * MIN, at, ...(threshold !== undefined ? { threshold } : {}) };
}

/** Advances the clock in steps, ticking the manager, until `until`; returns the first time `done()` held. */
async function runUntil(kit: AlertingKit, clock: ManualClock, until: number, stepMs: number, done: () => boolean): Promise<number | null> {
  while (clock.now() <= until) {
    await kit.manager.tick();
    if (done()) return clock.now();
    clock.advance(stepMs);
  }
  return null;
}

test('P1: a breach pushed at 1 s reaches DingTalk after the 5 s group wait (between 6 s and 6.2 s) and e-mail', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock });
  try {
    clock.advance(1 * S);
    await kit.manager.observe(obs('api_response_time', 'critical', 'P1', 1800, clock.now(), 1000), API);
    const at = await runUntil(kit, clock, T0 + 10 * S, 100, () => kit.ding.messages.length > 0);
    assert.ok(at !== null && at >= T0 + 6 * S && at <= T0 + 6.2 * S, `DingTalk at +${at === null ? 'never' : (at - T0) / 1000}s`);
    const msg = kit.ding.messages[0];
    assert.match(msg?.text ?? '', /1800 ms（阈值 > 1000 ms）/);
    assert.deepEqual(msg?.rang, ['13800000003', '13800000009'], 'ops lead and the back-end responder ring');
    assert.equal(kit.smtp.mails.length, 1);
    assert.deepEqual(kit.smtp.mails[0]?.to.sort(), ['lin@mindguard.example', 'qian@mindguard.example']);
    assert.equal(kit.tencent.sms.length + kit.tencent.calls.length, 0, 'P1 does not phone');
  } finally {
    await kit.close();
  }
});

test('P0 (unauthorised operation detected) pages at once: voice, SMS, DingTalk and e-mail to on-call, ops lead, tech lead, product lead and the security responder', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock });
  try {
    await kit.manager.observe(obs('unauthorised_operation', 'critical', 'P0', 2, clock.now(), 0), UNAUTH);
    const at = await runUntil(kit, clock, T0 + 2 * S, 100, () => kit.ding.messages.length > 0 && kit.tencent.calls.length >= 5);
    assert.ok(at !== null && at - T0 <= 200, 'P0 goes out at once');
    const phones = ['+8613800000001', '+8613800000003', '+8613800000004', '+8613800000005', '+8613800000008'];
    assert.deepEqual(kit.tencent.calls.map((c) => c.calledNumber).sort(), phones);
    assert.deepEqual(kit.tencent.sms.map((c) => c.phoneNumber).sort(), phones);
    assert.match(kit.ding.messages[0]?.title ?? '', /\[P0 告警\] 越权操作 检测到异常/);
    assert.deepEqual(kit.ding.messages[0]?.rang.sort(), ['13800000001', '13800000003', '13800000004', '13800000005', '13800000008']);
    assert.equal(kit.smtp.mails[0]?.to.length, 5);
  } finally {
    await kit.close();
  }
});

test('escalation: unacknowledged P2 goes to the expert at 30 min, then ops lead, tech lead, management; ack stops it; an ack not followed by resolution re-opens', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock });
  try {
    const alert = await kit.manager.observe(obs('db_query_time', 'warning', 'P2', 150, clock.now(), 100), DB);
    assert.ok(alert);
    const rangAt = new Map<number, string[]>();
    const stepMs = MIN;
    for (let t = 0; t <= 75 * MIN; t += stepMs) {
      await kit.manager.tick();
      clock.advance(stepMs);
    }
    for (const m of kit.ding.messages) rangAt.set(Math.round((m.receivedAt - T0) / MIN), m.rang);
    assert.deepEqual(rangAt.get(1), ['13800000006'], 'first page: the DBA responder (after the 30 s group wait)');
    assert.deepEqual(rangAt.get(30), ['13800000004'], 'at 30 min: the technical expert (tech lead)');
    assert.deepEqual(rangAt.get(60), ['13800000003'], 'at 60 min: ops lead');
    const ack = await kit.manager.acknowledge(alert.id, 'lin', 'api');
    assert.ok(ack.ok);
    const before = kit.ding.messages.length;
    for (let t = 0; t < 3 * 60 * MIN; t += 5 * MIN) {
      clock.advance(5 * MIN);
      await kit.manager.tick();
    }
    assert.equal(kit.ding.messages.length, before, 'acknowledged: no escalation, no repeats');
    clock.advance(60 * MIN + 1);
    await kit.manager.tick();
    await kit.manager.tick();
    const timeline = await kit.store.timeline(alert.id);
    const kinds = timeline.map((e) => e.kind);
    assert.ok(kinds.includes('reopened'), kinds.join(','));
    assert.equal((await kit.store.getAlert(alert.id))?.status, 'firing');
    assert.ok(kit.ding.messages.length > before, 're-opened alert is paged again');
    for (const k of ['opened', 'notified', 'delivered', 'escalated', 'acknowledged', 'reopened']) assert.ok(kinds.includes(k as never), k);
  } finally {
    await kit.close();
  }
});

test('business escalation: an unacknowledged check-in alert also notifies the product lead; severity upgrade re-pages at P1', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock });
  try {
    const a = await kit.manager.observe(obs('checkin_success_rate', 'warning', 'P2', 93, clock.now(), 95), CHECKIN);
    assert.ok(a);
    clock.advance(40 * S);
    await kit.manager.tick();
    assert.equal(kit.smtp.mails.length, 0, 'P2 is DingTalk only');
    await kit.manager.observe(obs('checkin_success_rate', 'critical', 'P1', 88, clock.now(), 90), CHECKIN);
    clock.advance(6 * S);
    await kit.manager.tick();
    assert.equal((await kit.store.getAlert(a.id))?.level, 'P1');
    assert.match(kit.ding.messages.at(-1)?.title ?? '', /\[P1 告警\]/);
    assert.equal(kit.smtp.mails.length, 1, 'P1 adds e-mail');
    clock.advance(15 * MIN);
    await kit.manager.tick();
    const last = kit.ding.messages.at(-1);
    assert.deepEqual(last?.rang.sort(), ['13800000004', '13800000005'], 'tech lead (expert) and product lead (business)');
    assert.match(last?.text ?? '', /告警升级|升级/);
  } finally {
    await kit.close();
  }
});

test('hysteresis, resolved notice, and MTTA/MTTR inputs on the alert', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock });
  try {
    const a = await kit.manager.observe(obs('api_response_time', 'critical', 'P1', 1500, clock.now(), 1000), API);
    assert.ok(a);
    for (let i = 1; i <= 5; i++) {
      clock.advance(MIN);
      await kit.manager.observe(obs('api_response_time', 'ok', null, 300, clock.now()), API);
      await kit.manager.tick();
    }
    assert.equal((await kit.store.getAlert(a.id))?.status, 'firing', '4 min normal is not a full window');
    clock.advance(MIN);
    await kit.manager.observe(obs('api_response_time', 'ok', null, 300, clock.now()), API);
    clock.advance(6 * S);
    await kit.manager.tick();
    const done = await kit.store.getAlert(a.id);
    assert.equal(done?.status, 'resolved');
    assert.equal(done?.resolvedAt, T0 + 6 * MIN);
    assert.match(kit.ding.messages.at(-1)?.title ?? '', /\[P1 已恢复\] API响应时间/);
    assert.deepEqual(kit.ding.messages.at(-1)?.rang, [], 'a resolved notice does not ring anyone');
  } finally {
    await kit.close();
  }
});

test('an alert resolved within its group wait is never notified', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock });
  try {
    const a = await kit.manager.observe(obs('db_query_time', 'warning', 'P2', 150, clock.now(), 100), DB);
    assert.ok(a);
    clock.advance(10 * S);
    await kit.manager.tick();
    assert.ok((await kit.manager.resolve(a.id, 'wu')).ok);
    for (let i = 0; i < 60; i++) {
      clock.advance(S);
      await kit.manager.tick();
    }
    assert.equal(kit.ding.messages.length, 0);
    assert.ok((await kit.outbox.byAlert(a.id)).every((r) => r.status === 'cancelled'));
  } finally {
    await kit.close();
  }
});
