/**
 * A separate process that runs the outbox dispatcher over a SQLite file, for the
 * kill-mid-delivery test: `node --import tsx outbox-worker.ts <db> <webhookUrl> <dingtalkUrl> [--until-empty]`.
 * Prints "ready" once started and exits 0 when nothing is pending (with --until-empty).
 */
import { dispatchDue } from '../../src/alerting/outbox.js';
import { DEFAULT_POLICY } from '../../src/alerting/policy.js';
import { createChannelRegistry } from '../../src/notify/registry.js';
import { SqliteAlerting } from '../../src/storage/sqlite/alerting.js';
import { systemClock } from '../../src/util/clock.js';

export const WORKER_SECRETS = { webhook: 'worker-webhook-secret', dingtalk: 'SECworker' };

const [file, webhookUrl, dingUrl, flag] = process.argv.slice(2);
if (!file || !webhookUrl || !dingUrl) {
  console.error('usage: outbox-worker.ts <db> <webhookUrl> <dingtalkUrl> [--until-empty]');
  process.exit(2);
}
const store = new SqliteAlerting(file);
const registry = createChannelRegistry({
  webhook: { endpoints: { ops: { url: webhookUrl, secret: WORKER_SECRETS.webhook } } },
  dingtalk: { groups: { ops: { robots: [{ webhook: dingUrl, secret: WORKER_SECRETS.dingtalk }] } } },
});
console.log('ready');
const deadline = Date.now() + 20_000;
for (;;) {
  await dispatchDue({ outbox: store, registry, policy: DEFAULT_POLICY, clock: systemClock, record: (e) => store.appendTimeline(e) }, { leaseMs: 1_000 });
  if (flag === '--until-empty' && (await store.pendingCount()) === 0) break;
  if (Date.now() > deadline) process.exit(3);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
store.close();
