import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleNotice, T0 } from '../../test/receivers/sample.js';
import { ManualClock } from '../util/clock.js';
import { budgetState, InMemoryBudgetLedger, shanghaiMonth, withBudget } from './budget.js';
import { fallbackDeliveries, shouldFallBack } from './fallback.js';
import { renderAlert } from './template/render.js';
import { failure, type Channel, type SendResult } from './types.js';

function countingSms(result: () => SendResult = () => ({ ok: true })): Channel<'sms'> & { calls: number } {
  const ch = {
    calls: 0,
    type: 'sms' as const,
    targetKey: (t: { phone: string }) => `sms:${t.phone}`,
    send: async () => {
      ch.calls++;
      return result();
    },
  };
  return ch;
}

test('the month is the calendar month in Asia/Shanghai', () => {
  const m = shanghaiMonth(Date.UTC(2025, 0, 31, 16, 30)); // 2025-02-01 00:30 in Shanghai
  assert.equal(m.start, Date.UTC(2025, 0, 31, 16, 0));
  assert.equal(m.next, Date.UTC(2025, 1, 28, 16, 0));
});

test('a per-minute budget answers RATE_LIMITED with the wait, without calling the provider', async () => {
  const clock = new ManualClock(T0);
  const inner = countingSms();
  const sms = withBudget(inner, () => ({ perMinute: 2 }), new InMemoryBudgetLedger());
  const ctx = { now: () => clock.now() };
  const msg = renderAlert(sampleNotice());
  assert.equal((await sms.send(msg, { phone: '+8613800138000' }, ctx)).ok, true);
  clock.advance(10_000);
  assert.equal((await sms.send(msg, { phone: '+8613800138000' }, ctx)).ok, true);
  const third = await sms.send(msg, { phone: '+8613800138000' }, ctx);
  assert.ok(!third.ok && third.code === 'RATE_LIMITED' && third.retryable && third.retryAfterMs === 50_000);
  assert.equal(inner.calls, 2);
  assert.equal((await sms.send(msg, { phone: '+8613900139000' }, ctx)).ok, true, 'another target has its own budget');
  clock.advance(50_000);
  assert.equal((await sms.send(msg, { phone: '+8613800138000' }, ctx)).ok, true);
});

test('a monthly quota counts successful sends, resets with the Shanghai month, and asks for fallback', async () => {
  const clock = new ManualClock(Date.UTC(2025, 0, 31, 15, 0)); // 23:00 on 31 Jan in Shanghai
  let ok = true;
  const inner = countingSms(() => (ok ? { ok: true } : failure('NETWORK', 'down', true)));
  const ledger = new InMemoryBudgetLedger();
  const sms = withBudget(inner, () => ({ perMonth: 2 }), ledger);
  const ctx = { now: () => clock.now() };
  const msg = renderAlert(sampleNotice());
  const to = { phone: '+8613800138000' };
  ok = false;
  assert.equal((await sms.send(msg, to, ctx)).ok, false);
  ok = true;
  assert.equal((await sms.send(msg, to, ctx)).ok, true);
  assert.equal((await sms.send(msg, to, ctx)).ok, true);
  const spent = await sms.send(msg, to, ctx);
  assert.ok(!spent.ok && spent.code === 'QUOTA_EXHAUSTED' && !spent.retryable);
  assert.ok(shouldFallBack(spent, 60_000));
  assert.equal((await budgetState(ledger, 'sms:+8613800138000', { perMonth: 2 }, clock.now())).usedMonth, 2);
  clock.advance(3_600_000); // midnight in Shanghai: a new month
  assert.equal((await sms.send(msg, to, ctx)).ok, true);
});

test('simultaneous sends never overshoot the rate or the quota; a failed send gives its quota slot back', async () => {
  const clock = new ManualClock(T0);
  const ctx = { now: () => clock.now() };
  const msg = renderAlert(sampleNotice());
  const ledger = new InMemoryBudgetLedger();
  const rated = countingSms();
  const results = await Promise.all(Array.from({ length: 6 }, () => withBudget(rated, () => ({ perMinute: 2 }), ledger).send(msg, { phone: '+8613800138000' }, ctx)));
  assert.equal(rated.calls, 2, 'the provider was called twice, not six times');
  assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.code)).sort(), ['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'ok', 'ok']);

  let n = 0;
  const flaky = countingSms(() => (++n === 1 ? failure('NETWORK', 'down', true) : { ok: true }));
  const sms = withBudget(flaky, () => ({ perMonth: 3 }), ledger);
  const to = { phone: '+8613900139000' };
  const burst = await Promise.all(Array.from({ length: 5 }, () => sms.send(msg, to, ctx)));
  assert.deepEqual(burst.map((r) => (r.ok ? 'ok' : r.code)).sort(), ['NETWORK', 'QUOTA_EXHAUSTED', 'QUOTA_EXHAUSTED', 'ok', 'ok']);
  assert.equal((await sms.send(msg, to, ctx)).ok, true, 'the failed send took no quota');
  const spent = await sms.send(msg, to, ctx);
  assert.ok(!spent.ok && spent.code === 'QUOTA_EXHAUSTED');
  assert.equal((await budgetState(ledger, 'sms:+8613900139000', { perMonth: 3 }, clock.now())).usedMonth, 3);
});

test('the in-memory ledger prunes entries before a time and keeps the rest', async () => {
  const ledger = new InMemoryBudgetLedger();
  for (const at of [T0 - 50_000, T0 - 10_000, T0]) await ledger.record('sms:a|sent', at);
  await ledger.record('sms:b|sent', T0 - 40_000);
  assert.equal(await ledger.prune(T0 - 10_000), 2);
  assert.deepEqual(await ledger.window('sms:a|sent', 0), { count: 2, earliest: T0 - 10_000 });
  assert.deepEqual(await ledger.window('sms:b|sent', 0), { count: 0 });
});

test('fallback rules: DingTalk mentions and a failed voice call become SMS; waits beyond patience fall back', () => {
  assert.deepEqual(fallbackDeliveries({ channel: 'dingtalk', target: { robotGroup: 'ops', mentionMobiles: ['13800138000', '13800138000', '13900139000'] } }), [
    { channel: 'sms', target: { phone: '13800138000' } },
    { channel: 'sms', target: { phone: '13900139000' } },
  ]);
  assert.deepEqual(fallbackDeliveries({ channel: 'voice', target: { phone: '+8613800138000' } }), [{ channel: 'sms', target: { phone: '+8613800138000' } }]);
  assert.deepEqual(fallbackDeliveries({ channel: 'email', target: { to: ['a@b.cn'] } }), []);
  assert.equal(shouldFallBack(failure('THROTTLED', 'x', true, { retryAfterMs: 600_000 }), 60_000), true);
  assert.equal(shouldFallBack(failure('THROTTLED', 'x', true, { retryAfterMs: 30_000 }), 60_000), false);
  assert.equal(shouldFallBack(failure('PRIVACY_REFUSED', 'x', false), 60_000), false);
});
