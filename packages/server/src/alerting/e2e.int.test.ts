import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startE2E } from '../../test/receivers/e2e.js';

for (const engine of ['sqlite', 'postgres'] as const) {
  test(`end to end on ${engine}: an unauthorised-operation audit event posted to the collector pages P0 on DingTalk within a second`, { timeout: 20_000 }, async () => {
    const e2e = await startE2E({ engine });
    try {
      const t0 = Date.now();
      assert.equal(await e2e.postAudit(), 200);
      while (e2e.ding.messages.length === 0 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 10));
      const msg = e2e.ding.messages[0];
      assert.ok(msg, 'DingTalk got the page');
      assert.ok(msg.receivedAt - t0 < 1_000, `latency ${msg.receivedAt - t0} ms`);
      assert.match(msg.title, /\[P0 告警\] 越权操作 检测到异常/);
      assert.deepEqual(msg.rang.sort(), ['13800000001', '13800000003'], 'on-call ops engineer and ops lead ring');
      const [alert] = await e2e.manager.deps.store.listAlerts({ status: ['firing'], limit: 5 });
      assert.equal(alert?.metricId, 'unauthorised_operation');
      const outbox = e2e.manager.deps.outbox;
      while ((await outbox.pendingCount()) > 0 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual((await outbox.byAlert(alert!.id)).map((r) => [r.delivery.channel, r.status]), [['dingtalk', 'delivered']], 'the delivery is recorded in the outbox');
      const res = await fetch(`${e2e.tp.url}/api/alerts/${alert?.id}/resolve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by: 'lin' }) });
      assert.equal(res.status, 200);
      assert.equal((await e2e.manager.deps.store.getAlert(alert!.id))?.status, 'resolved');
    } finally {
      await e2e.close();
    }
  });
}
