/**
 * A separate process that runs the outbox dispatcher over a SQLite file or a PostgreSQL schema, for
 * the kill-mid-delivery test: `node --import tsx outbox-worker.ts <db> <webhookUrl> <dingtalkUrl> [--until-empty]`,
 * where <db> is a file path or `postgres://…?schema=<name>`.
 * Prints "ready" once started and exits 0 when nothing is pending (with --until-empty).
 */
import { dispatchDue } from '../../src/alerting/outbox.js';
import { DEFAULT_POLICY } from '../../src/alerting/policy.js';
import { createChannelRegistry } from '../../src/notify/registry.js';
import type { AlertingStorage } from '../../src/storage/index.js';
import { PgAlerting } from '../../src/storage/postgres/alerting.js';
import { SqliteAlerting } from '../../src/storage/sqlite/alerting.js';
import { systemClock } from '../../src/util/clock.js';

export const WORKER_SECRETS = { webhook: 'worker-webhook-secret', dingtalk: 'SECworker' };

const [file, webhookUrl, dingUrl, flag] = process.argv.slice(2);
if (!file || !webhookUrl || !dingUrl) {
  console.error('usage: outbox-worker.ts <db> <webhookUrl> <dingtalkUrl> [--until-empty]');
  process.exit(2);
}
/** Opens the alerting storage named by a file path or a `postgres://…?schema=<name>` URL. */
async function openOutbox(target: string): Promise<AlertingStorage> {
  if (!target.startsWith('postgres://')) return new SqliteAlerting(target);
  const url = new URL(target);
  const schema = url.searchParams.get('schema') ?? 'mgops';
  url.searchParams.delete('schema');
  return PgAlerting.open(url.toString(), schema);
}

const store = await openOutbox(file);
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
await store.close();
