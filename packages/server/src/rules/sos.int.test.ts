import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertingKit } from '../../test/receivers/alerting-kit.js';
import { SqliteAlerting } from '../storage/sqlite/alerting.js';
import { SqliteStore } from '../storage/sqlite/store.js';
import { ManualClock } from '../util/clock.js';
import { SosTimers } from './sos.js';

const T0 = Date.UTC(2025, 0, 8, 14, 0); // Wednesday 22:00 Shanghai
const S = 1000;

async function sosOp(core: SqliteStore, sosId: string, action: 'triggered' | 'answered', t: number, h: number): Promise<void> {
  await core.commit([{ app: 'mindguard', env: 'production', sdk: 'test', receivedAt: t, events: [], category: [], dedup: [{ ts: t, h }], ops: [{ i: 0, kind: 'sos', app: 'mindguard', sosId, action, t }] }]);
}

test('an SOS unanswered for 30 s raises P1, for 60 s P0 — across a restart — and resolves with the real response time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mgops-sos-'));
  const file = join(dir, 'mgops.db');
  const clock = new ManualClock(T0);
  const core = new SqliteStore(file);
  await core.migrate();
  let alerting = new SqliteAlerting(file);
  let kit = await startAlertingKit({ clock, store: alerting, outbox: alerting });
  const receivers = { ding: kit.ding, tencent: kit.tencent, smtp: kit.smtp };
  try {
    await sosOp(core, 'sos-7f1c', 'triggered', T0, 1);
    let timers = new SosTimers(core, kit.manager, clock);
    clock.set(T0 + 20 * S);
    await timers.evaluate();
    assert.equal((await alerting.listAlerts({ limit: 10 })).length, 0, 'no alert within 30 s');
    assert.equal(await timers.nextDeadline(), T0 + 30 * S + 1);

    clock.set(T0 + 30 * S + 1);
    await timers.evaluate();
    const [p1] = await alerting.listAlerts({ limit: 10 });
    assert.equal(p1?.level, 'P1');
    assert.deepEqual(p1?.labels, { sos: p1?.labels.sos }, 'only a hash label');
    assert.ok(!JSON.stringify(p1?.labels).includes('sos-7f1c'));

    // the process dies before the P1 page is dispatched; a new one starts from the same file
    alerting.close();
    alerting = new SqliteAlerting(file);
    kit = await startAlertingKit({ clock, store: alerting, outbox: alerting, receivers });
    timers = new SosTimers(core, kit.manager, clock);
    clock.set(T0 + 36 * S);
    await kit.manager.tick();
    assert.equal(kit.ding.messages.length, 1, 'the pending P1 page survived the restart');
    assert.match(kit.ding.messages[0]?.title ?? '', /\[P1 告警\] SOS响应时间/);

    clock.set(T0 + 60 * S + 1);
    await timers.evaluate();
    await kit.manager.tick();
    const p0 = await alerting.getAlert(p1?.id ?? '');
    assert.equal(p0?.level, 'P0');
    const called = kit.tencent.calls.map((c) => c.calledNumber);
    assert.ok(called.includes('+8613800000007'), 'the operations lead is phoned');
    assert.ok(called.includes('+8613800000001'), 'the on-call ops engineer is phoned');

    clock.set(T0 + 75 * S);
    await sosOp(core, 'sos-7f1c', 'answered', T0 + 74 * S, 2);
    await timers.evaluate();
    clock.set(T0 + 75 * S + 6 * S);
    await kit.manager.tick();
    const done = await alerting.getAlert(p1?.id ?? '');
    assert.equal(done?.status, 'resolved');
    assert.equal(done?.value, 74, 'the real response time, in seconds');
    assert.match(kit.ding.messages.at(-1)?.title ?? '', /已恢复/);
    const kinds = (await alerting.timeline(p1?.id ?? '')).map((e) => e.kind);
    assert.deepEqual(kinds.filter((k) => ['opened', 'upgraded', 'resolved'].includes(k)), ['opened', 'upgraded', 'resolved']);
  } finally {
    await Promise.all([receivers.ding.close(), receivers.tencent.close(), receivers.smtp.close()]);
    alerting.close();
    // the core store's close() waits for its checkpoint worker; do not let a slow one hold the test
    await Promise.race([core.close(), new Promise((resolve) => setTimeout(resolve, 500))]);
    rmSync(dir, { recursive: true, force: true });
  }
});
