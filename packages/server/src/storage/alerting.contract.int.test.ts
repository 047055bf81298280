/**
 * The alerting storage contract (alerts, timeline, rule states, silences, outbox, budget ledger),
 * run on every backend: a real SQLite file and the real PostgreSQL server of this machine, in a
 * fresh schema dropped at the end.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, AlertStatus, OutboxRow } from '../alerting/model.js';
import type { Silence } from '../alerting/silence.js';
import type { RuleState } from '../rules/state.js';
import { renderAlert } from '../notify/template/render.js';
import { sampleNotice } from '../../test/receivers/sample.js';
import { withBudget } from '../notify/budget.js';
import type { Channel } from '../notify/types.js';
import type { AlertingStorage } from './index.js';
import { SqliteAlerting } from './sqlite/alerting.js';
import { PgAlerting } from './postgres/alerting.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const T = Date.UTC(2026, 10, 28, 2, 0, 0);

/** `open` gives the store under test; `another` a second connection to the same data, as a second process would have. */
type Opened = { store: AlertingStorage; another: () => Promise<AlertingStorage>; cleanup: () => Promise<void> };
const BACKENDS: { name: string; open: () => Promise<Opened> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mgops-alerting-contract-'));
      const file = join(dir, 'mgops.db');
      const opened: SqliteAlerting[] = [new SqliteAlerting(file)];
      const another = async () => {
        const s = new SqliteAlerting(file);
        opened.push(s);
        return s;
      };
      return { store: opened[0]!, another, cleanup: async () => { opened.forEach((s) => s.close()); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const schema = `mgops_alerting_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
      const opened: PgAlerting[] = [await PgAlerting.open(PG_URL, schema)];
      const another = async () => {
        const s = await PgAlerting.open(PG_URL, schema);
        opened.push(s);
        return s;
      };
      return { store: opened[0]!, another, cleanup: async () => { await opened[0]!.dropSchema(); await Promise.all(opened.map((s) => s.close())); } };
    },
  },
];

function alert(id: string, fp: string, status: AlertStatus, startsAt: number, updatedAt = startsAt): Alert {
  return {
    id, fingerprint: fp, ruleKey: `api_response_time{route=/${fp}}`, metricId: 'api_response_time', metricNameZh: 'API响应时间', metricNameEn: 'API response time',
    labels: { route: `/${fp}` }, level: 'P1', severity: 'critical', status, value: 1500, threshold: 1000, unit: 'ms', direction: 'above',
    responder: 'backend_developer', startsAt, updatedAt, ackDeadline: startsAt + 600_000, flapping: false, notifySeq: 0,
    escalation: { chain: [{ afterMs: 600_000, notify: ['ops_lead'], reason: 'technical' }], next: 0, nextAt: startsAt + 600_000, base: startsAt },
  };
}

function row(id: string, alertId: string, notBefore: number, createdAt = T): OutboxRow {
  return {
    id, alertId, pageKey: `${alertId}:firing:0`, level: 'P1', delivery: { channel: 'webhook', target: { endpoint: 'ops' } },
    message: renderAlert(sampleNotice({ alertId })), mergeKey: `webhook:${id}`, status: 'pending', attempts: 0,
    notBefore, leaseUntil: null, createdAt, updatedAt: createdAt,
  };
}

for (const backend of BACKENDS) {
  describe(`alerting storage contract: ${backend.name}`, () => {
    let store: AlertingStorage;
    let another: () => Promise<AlertingStorage>;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, another, cleanup } = await backend.open()));
    after(async () => cleanup());
    /** marks the rows of these alerts delivered, so the next test claims only its own */
    const settle = async (...alertIds: string[]) => {
      for (const id of alertIds) for (const r of await store.byAlert(id)) await store.update({ ...r, status: 'delivered', leaseUntil: null });
      assert.equal(await store.pendingCount(), 0);
    };

    test('alerts: saved, updated in place, the open one found by fingerprint, listed by status and time', async () => {
      assert.equal(await store.getAlert('nope'), null);
      await store.saveAlert(alert('A1', 'fp-a', 'resolved', T - 3_600_000, T - 3_000_000));
      await store.saveAlert(alert('A2', 'fp-a', 'firing', T - 60_000));
      await store.saveAlert(alert('A3', 'fp-b', 'firing', T - 30_000));
      await store.saveAlert({ ...alert('A3', 'fp-b', 'acknowledged', T - 30_000, T), acknowledgedAt: T, acknowledgedBy: 'lin' });

      assert.deepEqual(await store.getAlert('A3'), { ...alert('A3', 'fp-b', 'acknowledged', T - 30_000, T), acknowledgedAt: T, acknowledgedBy: 'lin' });
      assert.equal((await store.openByFingerprint('fp-a'))?.id, 'A2', 'the resolved alert of the same fingerprint is not open');
      assert.equal((await store.openByFingerprint('fp-b'))?.status, 'acknowledged', 'an acknowledged alert is still open');
      assert.equal(await store.openByFingerprint('fp-none'), null);

      const ids = (as: Alert[]) => as.map((a) => a.id);
      assert.deepEqual(ids(await store.listAlerts({ limit: 10 })), ['A3', 'A2', 'A1'], 'newest first');
      assert.deepEqual(ids(await store.listAlerts({ limit: 2 })), ['A3', 'A2']);
      assert.deepEqual(ids(await store.listAlerts({ status: ['firing', 'acknowledged'], limit: 10 })), ['A3', 'A2']);
      assert.deepEqual(ids(await store.listAlerts({ status: ['resolved'], limit: 10 })), ['A1']);
      assert.deepEqual(ids(await store.listAlerts({ since: T - 60_000, limit: 10 })), ['A3', 'A2'], 'since filters on the last update');
      assert.deepEqual(ids(await store.listAlerts({ status: ['firing'], since: T - 1, limit: 10 })), []);
    });

    test('timeline: entries come back in the order they were appended, per alert, with their detail', async () => {
      await store.appendTimeline([
        { alertId: 'TL1', at: T, kind: 'opened', detail: { level: 'P1', value: 1500 } },
        { alertId: 'TL2', at: T, kind: 'opened', detail: {} },
        { alertId: 'TL1', at: T, kind: 'notified', detail: { to: ['ops_engineer'], reason: 'firing' } },
      ]);
      await store.appendTimeline([]);
      // an earlier `at` appended later still comes after: the timeline is the order things were recorded
      await store.appendTimeline([{ alertId: 'TL1', at: T - 5, kind: 'delivered', detail: { channel: 'dingtalk', nested: { ok: true } } }]);
      const tl = await store.timeline('TL1');
      assert.deepEqual(tl.map((e) => e.kind), ['opened', 'notified', 'delivered']);
      assert.deepEqual(tl[2], { alertId: 'TL1', at: T - 5, kind: 'delivered', detail: { channel: 'dingtalk', nested: { ok: true } } });
      assert.deepEqual(tl[1]?.detail, { to: ['ops_engineer'], reason: 'firing' });
      assert.deepEqual((await store.timeline('TL2')).map((e) => e.kind), ['opened']);
      assert.deepEqual(await store.timeline('TL-none'), []);
    });

    test('rule states and silences: saved, replaced by key, silences listed by end time', async () => {
      const state: RuleState = {
        key: 'api_response_time{route=/x}', metricId: 'api_response_time', labels: { route: '/x' }, status: 'firing', severity: 'critical',
        level: 'P1', okSince: null, lastObserved: null, changes: [T - 10_000, T], flapping: false, value: 1500, updatedAt: T,
      };
      assert.equal(await store.getRuleState(state.key), null);
      await store.saveRuleState(state);
      await store.saveRuleState({ ...state, status: 'ok', okSince: T + 1000, value: 200 });
      assert.deepEqual(await store.getRuleState(state.key), { ...state, status: 'ok', okSince: T + 1000, value: 200 });

      const silence = (id: string, endsAt: number, comment: string): Silence => ({ id, matcher: { metric: 'api_response_time', labels: { route: '/x' } }, startsAt: T, endsAt, createdBy: 'lin', comment });
      await store.saveSilence(silence('S1', T + 3_600_000, 'deploy'));
      await store.saveSilence(silence('S2', T + 7_200_000, 'migration'));
      await store.saveSilence(silence('S1', T + 600_000, 'deploy, shortened'));
      assert.deepEqual(await store.listSilences(), [silence('S2', T + 7_200_000, 'migration'), silence('S1', T + 600_000, 'deploy, shortened')]);
    });

    test('outbox: the row id is the idempotency key, claims lease due rows, outcomes and counts are kept', async () => {
      const rows = [row('O1|a', 'O1', T), row('O1|b', 'O1', T + 5_000, T + 1), row('O2|a', 'O2', T + 60_000)];
      assert.equal(await store.enqueue(rows), 3);
      assert.equal(await store.enqueue([rows[0]!, row('O1|c', 'O1', T + 90_000, T + 2)]), 1, 'the same id twice is one row');
      assert.equal(await store.enqueue([]), 0);
      assert.equal(await store.pendingCount(), 4);
      assert.equal(await store.nextDue(), T);

      const claimed = await store.claimDue(T + 5_000, 30_000, 10);
      assert.deepEqual(claimed.map((r) => [r.id, r.status, r.attempts, r.leaseUntil]), [['O1|a', 'sending', 1, T + 35_000], ['O1|b', 'sending', 1, T + 35_000]]);
      assert.deepEqual(claimed[0]?.message, rows[0]!.message, 'the message survives the round trip');
      assert.deepEqual(await store.claimDue(T + 5_000, 30_000, 10), [], 'leased rows are not taken again');
      assert.equal(await store.nextDue(), T + 35_000, 'the earliest lease expiry');

      await store.update({ ...claimed[0]!, status: 'delivered', leaseUntil: null, providerId: 'msg-1', updatedAt: T + 6_000 });
      await store.update({ ...claimed[1]!, status: 'pending', leaseUntil: null, notBefore: T + 8_000, lastError: 'HTTP 503', updatedAt: T + 6_000 });
      assert.equal(await store.pendingCount(), 3, 'delivered rows are no longer pending');
      assert.equal(await store.nextDue(), T + 8_000);
      const o1 = await store.byAlert('O1');
      assert.deepEqual(o1.map((r) => [r.id, r.status]), [['O1|a', 'delivered'], ['O1|b', 'pending'], ['O1|c', 'pending']], 'in creation order');
      assert.equal(o1[0]?.providerId, 'msg-1');
      assert.equal(o1[1]?.lastError, 'HTTP 503');

      assert.deepEqual((await store.claimDue(T + 7_999, 30_000, 10)).map((r) => r.id), [], 'a retry waits for its time');
      const retry = await store.claimDue(T + 8_000, 30_000, 10);
      assert.deepEqual(retry.map((r) => [r.id, r.attempts]), [['O1|b', 2]]);
      await store.update({ ...retry[0]!, status: 'failed', leaseUntil: null });
      assert.deepEqual((await store.claimDue(T + 90_000, 30_000, 1)).map((r) => r.id), ['O2|a'], 'the limit holds, the earliest due first');
      assert.deepEqual((await store.byAlert('O2')).map((r) => r.status), ['sending']);
      assert.deepEqual(await store.byAlert('O-none'), []);
      await settle('O1', 'O2');
    });

    test('outbox: an expired lease is reclaimed (the dispatcher holding it died)', async () => {
      const base = T + 1_000_000;
      await store.enqueue([row('L1|a', 'L1', base, base)]);
      const [first] = await store.claimDue(base, 1_000, 10);
      assert.equal(first?.id, 'L1|a');
      assert.deepEqual(await store.claimDue(base + 999, 1_000, 10), [], 'still leased');
      const again = await store.claimDue(base + 1_000, 1_000, 10);
      assert.deepEqual(again.map((r) => [r.id, r.attempts, r.leaseUntil]), [['L1|a', 2, base + 2_000]]);
      await settle('L1');
    });

    test('outbox: a write from a claim whose lease expired and was reclaimed is refused; the new holder\'s stands', async () => {
      const base = T + 1_500_000;
      const other = await another();
      await store.enqueue([row('F1|a', 'F1', base, base)]);
      const [slow] = await store.claimDue(base, 1_000, 10);
      assert.ok(slow);
      const [fresh] = await other.claimDue(base + 1_000, 1_000, 10);
      assert.deepEqual([fresh?.id, fresh?.attempts], ['F1|a', 2], 'the expired lease was taken over');

      assert.equal(await store.update({ ...slow, leaseUntil: base + 5_000, updatedAt: base + 1_001 }), false, 'the slow holder cannot renew a lease it lost');
      assert.equal(await other.update({ ...fresh!, status: 'pending', leaseUntil: null, notBefore: base + 3_000, lastError: 'HTTP 503', updatedAt: base + 1_002 }), true);
      assert.equal(await store.update({ ...slow, status: 'delivered', leaseUntil: null, providerId: 'late', updatedAt: base + 1_003 }), false, 'the late outcome is refused');
      const [kept] = await store.byAlert('F1');
      assert.deepEqual([kept?.status, kept?.attempts, kept?.lastError, kept?.providerId, kept?.notBefore], ['pending', 2, 'HTTP 503', undefined, base + 3_000]);
      assert.deepEqual((await store.claimDue(base + 3_000, 1_000, 10)).map((r) => [r.id, r.attempts]), [['F1|a', 3]], 'the retry of the new holder is due as it set it');

      await store.enqueue([row('F2|a', 'F2', base + 10_000, base)]);
      const [unclaimed] = await store.byAlert('F2');
      await store.claimDue(base + 10_000, 1_000, 10);
      assert.equal(await other.update({ ...unclaimed!, status: 'cancelled' }), false, 'a row read before a claim cannot be cancelled under the dispatcher');
      assert.equal(await store.update({ ...unclaimed!, id: 'F-none', status: 'delivered' }), false, 'an update never creates a row');
      assert.deepEqual(await store.byAlert('F-none'), []);
      await settle('F1', 'F2');
    });

    test('outbox: two claimers at once never take the same row', async () => {
      const base = T + 2_000_000;
      const other = await another();
      const ids = Array.from({ length: 60 }, (_, i) => `C${i}|x`);
      assert.equal(await store.enqueue(ids.map((id, i) => row(id, `C${i}`, base, base + i))), 60);
      const got: [string[], string[]] = [[], []];
      const drain = async (s: AlertingStorage, into: string[]) => {
        for (;;) {
          const rows = await s.claimDue(base, 60_000, 3);
          if (rows.length === 0) return;
          into.push(...rows.map((r) => r.id));
        }
      };
      await Promise.all([drain(store, got[0]), drain(other, got[1]), drain(store, got[0]), drain(other, got[1])]);
      const all = [...got[0], ...got[1]];
      assert.equal(new Set(all).size, all.length, 'no row claimed twice');
      assert.deepEqual([...all].sort(), [...ids].sort(), 'every row claimed');
      for (const id of ids.slice(0, 3)) assert.equal((await other.byAlert(id.split('|')[0]!))[0]?.attempts, 1);
    });

    test('budget ledger: counts per key in a window, with the earliest entry; concurrent records all count', async () => {
      assert.deepEqual(await store.window('sms:138|sent', 0), { count: 0 });
      for (const at of [T - 120_000, T - 30_000, T - 10_000]) await store.record('sms:138|attempt', at);
      await store.record('sms:139|attempt', T);
      assert.deepEqual(await store.window('sms:138|attempt', T - 60_000 + 1), { count: 2, earliest: T - 30_000 });
      assert.deepEqual(await store.window('sms:138|attempt', 0), { count: 3, earliest: T - 120_000 });
      assert.deepEqual(await store.window('sms:138|attempt', T - 10_000), { count: 1, earliest: T - 10_000 }, 'since is inclusive');
      assert.deepEqual(await store.window('sms:139|attempt', 0), { count: 1, earliest: T });

      const other = await another();
      await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : other).record('voice:138|sent', T + i)));
      assert.deepEqual(await store.window('voice:138|sent', T), { count: 40, earliest: T });
    });

    test('budget ledger: admissions at once through two connections admit exactly the limit; release gives one back', async () => {
      const other = await another();
      const key = 'dingtalk:ops|attempt';
      await store.record(key, T - 60_000); // before the window: does not count
      const admitted = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? store : other).admit(key, T - 60_000 + 1, 5, T + i)));
      assert.equal(admitted.filter(Boolean).length, 5);
      assert.equal((await store.window(key, T - 60_000 + 1)).count, 5, 'refused admissions record nothing');
      const at = T + admitted.indexOf(true);
      await other.release(key, at);
      assert.equal((await store.window(key, T - 60_000 + 1)).count, 4);
      assert.equal(await store.admit(key, T - 60_000 + 1, 5, T + 30), true, 'the slot given back is free again');
      assert.equal(await other.admit(key, T - 60_000 + 1, 5, T + 31), false);
      assert.equal(await other.admit(key, T + 1, 0, T + 32), false, 'a limit of zero admits nothing');
    });

    test('budget ledger over this store: simultaneous sends through withBudget never overshoot a rate or a quota', async () => {
      const other = await another();
      let calls = 0;
      const sms: Channel<'sms'> = {
        type: 'sms',
        targetKey: (t) => `sms:${t.phone}`,
        send: async () => {
          calls++;
          return { ok: true };
        },
      };
      const msg = renderAlert(sampleNotice());
      const ctx = { now: () => T };
      const burst = (limits: { perMinute?: number; perMonth?: number }, phone: string) =>
        Promise.all(Array.from({ length: 12 }, (_, i) => withBudget(sms, () => limits, i % 2 ? store : other).send(msg, { phone }, ctx)));
      const rated = await burst({ perMinute: 3 }, '+8613800138001');
      assert.deepEqual([rated.filter((r) => r.ok).length, calls], [3, 3]);
      assert.ok(rated.every((r) => r.ok || (r.code === 'RATE_LIMITED' && r.retryAfterMs === 60_000)));
      const quota = await burst({ perMonth: 4 }, '+8613800138002');
      assert.deepEqual([quota.filter((r) => r.ok).length, calls], [4, 7]);
      assert.ok(quota.every((r) => r.ok || r.code === 'QUOTA_EXHAUSTED'));
    });

    test('budget ledger: entries older than the longest budget window are pruned as it is used; current counts stay exact', async () => {
      const DAY = 86_400_000;
      const P = T + 100 * DAY;
      const key = 'sms:+8613800138003|sent';
      await store.record('sms:+8613800138004|sent', P - 80 * DAY);
      for (const days of [70, 65, 40]) await store.record(key, P - days * DAY);
      assert.equal((await store.window(key, 0)).count, 3, 'nothing pruned yet: each entry was recent when written');
      assert.equal(await store.admit(key, P - 45 * DAY, 2, P), true);
      assert.deepEqual(await store.window(key, 0), { count: 2, earliest: P - 40 * DAY }, 'the 65- and 70-day-old entries went');
      assert.deepEqual(await store.window('sms:+8613800138004|sent', 0), { count: 0 }, 'other keys are pruned too');
      assert.equal(await (await another()).admit(key, P - 45 * DAY, 2, P + 1), false, 'the window still counts the 40-day-old entry');
      assert.equal(await store.prune(P - 39 * DAY), 1);
      assert.deepEqual(await store.window(key, 0), { count: 1, earliest: P });
    });
  });
}
