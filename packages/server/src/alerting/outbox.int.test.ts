import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAlertingKit, type AlertingKit } from '../../test/receivers/alerting-kit.js';
import { ManualClock } from '../util/clock.js';
import type { Observation } from '../rules/state.js';
import type { MetricMeta } from './manager.js';

const T0 = Date.UTC(2025, 0, 8, 2, 0);
const S = 1000;
const API: MetricMeta = { nameZh: 'API响应时间', nameEn: 'API response time', unit: 'ms', direction: 'above', responder: 'backend_developer' };

function breach(route: string, level: 'P0' | 'P1' | 'P2', at: number): Observation {
  return { key: `api_response_time{route=${route}}`, metricId: 'api_response_time', labels: { route }, state: 'critical', value: 1500, level, threshold: 1000, windowMs: 300_000, at };
}

async function ticks(kit: AlertingKit, clock: ManualClock, n: number, stepMs: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock.advance(stepMs);
    await kit.manager.tick();
  }
}

test('DingTalk down (HTTP 503, then dropped connections): the page is retried with back-off and delivered once when it is back', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock, policy: { groups: { dingtalk: 'ops', wecom: 'ops', feishu: 'ops', webhook: 'ops' } } });
  try {
    kit.ding.setFailure({ kind: 'http', status: 503, times: 2 });
    const alert = await kit.manager.observe(breach('/api/a', 'P2', clock.now()), API);
    assert.ok(alert);
    await ticks(kit, clock, 31, S); // group wait: first attempt at 30 s → 503
    kit.ding.setFailure({ kind: 'drop', times: 1 });
    await ticks(kit, clock, 20, S);
    assert.equal(kit.ding.messages.length, 1, 'delivered once after the failures');
    const rows = await kit.outbox.byAlert(alert.id);
    assert.equal(rows[0]?.status, 'delivered');
    assert.equal(rows[0]?.attempts, 4);
    const failures = (await kit.store.timeline(alert.id)).filter((e) => e.kind === 'delivery_failed').map((e) => e.detail.retryInMs);
    assert.deepEqual(failures, [1000, 2000, 4000], 'exponential back-off');
  } finally {
    await kit.close();
  }
});

test('a robot at its per-minute limit: later pages wait and are merged into one digest, DingTalk never throttles', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock });
  try {
    for (let i = 0; i < 25; i++) {
      await kit.manager.observe(breach(`/api/r${i}`, 'P1', clock.now()), API);
      clock.advance(S);
      await kit.manager.tick();
    }
    await ticks(kit, clock, 90, S);
    assert.equal(kit.ding.rejected.length, 0);
    const texts = kit.ding.messages.map((m) => m.text).join('\n');
    for (let i = 0; i < 25; i++) assert.ok(texts.includes(`route=/api/r${i}`) || texts.includes(`route=/api/r${i}）`), `alert ${i} delivered`);
    assert.ok(kit.ding.messages.length <= 21, `${kit.ding.messages.length} messages: the overflow was merged`);
    const times = kit.ding.messages.map((m) => m.receivedAt);
    for (const t of times) assert.ok(times.filter((x) => x > t - 60_000 && x <= t).length <= 20);
    assert.ok(kit.ding.messages.some((m) => /条告警通知/.test(m.title)), 'a digest');
  } finally {
    await kit.close();
  }
});

test('DingTalk quota spent: the P1 page falls back to SMS for the mentioned people; a failed voice call is covered by SMS once', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock, budgets: { dingtalk: { perMonth: 1 }, sms: { perMinute: 20 } } });
  try {
    await kit.manager.observe(breach('/api/a', 'P1', clock.now()), API);
    await ticks(kit, clock, 6, S);
    assert.equal(kit.ding.messages.length, 1);
    const second = await kit.manager.observe(breach('/api/b', 'P1', clock.now()), API);
    await ticks(kit, clock, 8, S);
    assert.equal(kit.ding.messages.length, 1, 'quota spent');
    assert.deepEqual(kit.tencent.sms.map((m) => m.phoneNumber).sort(), ['+8613800000003', '+8613800000009']);
    const kinds = (await kit.store.timeline(second?.id ?? '')).map((e) => e.kind);
    assert.ok(kinds.includes('fallback'));

    kit.tencent.setNumberStatus('+8613800000004', 'FailedOperation.InsufficientBalance', 'voice');
    const p0 = await kit.manager.observe({ ...breach('/api/c', 'P0', clock.now()), key: 'service_availability', metricId: 'service_availability' }, { ...API, responder: 'ops_lead' });
    await ticks(kit, clock, 3, S);
    const rows = await kit.outbox.byAlert(p0?.id ?? '');
    const voice = rows.find((r) => r.delivery.channel === 'voice' && r.status === 'failed');
    assert.ok(voice, 'the voice call to the tech lead failed');
    assert.equal(kit.tencent.sms.filter((m) => m.phoneNumber === '+8613800000004').length, 1, 'one SMS: the fallback is the same row as the P0 SMS');
  } finally {
    await kit.close();
  }
});

test('silences, inhibition and maintenance windows suppress pages and say so in the timeline', async () => {
  const clock = new ManualClock(T0); // Wednesday 10:00 Shanghai
  const kit = await startAlertingKit({
    clock,
    policy: { maintenance: [{ name: 'weekly db maintenance', matcher: { metric: 'db_query_time' }, days: [3], from: '09:00', to: '11:00' }] },
  });
  try {
    await kit.store.saveSilence({ id: 'sil-1', matcher: { labels: { route: '/api/silenced' } }, startsAt: T0, endsAt: T0 + 3_600_000, createdBy: 'lin', comment: 'known issue' });
    const silenced = await kit.manager.observe(breach('/api/silenced', 'P1', clock.now()), API);
    const maint = await kit.manager.observe({ ...breach('/x', 'P2', clock.now()), key: 'db_query_time', metricId: 'db_query_time', labels: {} }, { ...API, responder: 'dba' });
    await kit.manager.observe({ ...breach('/y', 'P0', clock.now()), key: 'service_availability', metricId: 'service_availability', labels: {} }, { ...API, responder: 'ops_lead' });
    const inhibited = await kit.manager.observe(breach('/api/other', 'P1', clock.now()), API);
    await ticks(kit, clock, 40, S);
    const stageOf = async (id: string | undefined) => (await kit.store.timeline(id ?? '')).find((e) => e.kind === 'suppressed')?.detail.stage;
    assert.equal(await stageOf(silenced?.id), 'silence');
    assert.equal(await stageOf(maint?.id), 'maintenance');
    assert.equal(await stageOf(inhibited?.id), 'inhibit');
    assert.equal(kit.ding.messages.length, 1, 'only the P0 service alert is paged');
    assert.match(kit.ding.messages[0]?.title ?? '', /P0/);
  } finally {
    await kit.close();
  }
});
