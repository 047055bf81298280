import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDingTalkReceiver } from '../notify/standins/dingtalk.js';
import { sampleNotice } from '../../test/receivers/sample.js';
import { startWebhookReceiver } from '../notify/standins/webhook.js';
import { renderAlert } from '../notify/template/render.js';
import type { Delivery } from '../notify/types.js';
import type { AlertingStorage } from '../storage/index.js';
import { PgAlerting } from '../storage/postgres/alerting.js';
import { SqliteAlerting } from '../storage/sqlite/alerting.js';
import type { OutboxRow } from './model.js';

const WORKER = fileURLToPath(new URL('../../test/receivers/outbox-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function startWorker(args: string[]): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The store the test fills and checks, and what the worker processes are given to open the same data. */
type Shared = { store: AlertingStorage; target: string; cleanup: () => Promise<void> };
const ENGINES: Record<'sqlite' | 'postgres', () => Promise<Shared>> = {
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgops-kill-'));
    const file = join(dir, 'mgops.db');
    const store = new SqliteAlerting(file);
    return { store, target: file, cleanup: async () => { store.close(); rmSync(dir, { recursive: true, force: true }); } };
  },
  postgres: async () => {
    const schema = `mgops_kill_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    const store = await PgAlerting.open(PG_URL, schema);
    return { store, target: `${PG_URL}?schema=${schema}`, cleanup: async () => { await store.dropSchema(); await store.close(); } };
  },
};

for (const [engine, open] of Object.entries(ENGINES)) test(`${engine}: a dispatcher killed mid-delivery loses nothing: after a restart every page is delivered, none twice`, { timeout: 30_000 }, async () => {
  const webhook = await startWebhookReceiver({ secret: 'worker-webhook-secret' });
  const ding = await startDingTalkReceiver({ secret: 'SECworker' });
  const { store, target, cleanup } = await open();
  try {
    const now = Date.now();
    const row = (i: number, delivery: Delivery, delayMs: number): OutboxRow => {
      const message = renderAlert(sampleNotice({ alertId: `KILL${i}` }));
      return { id: `KILL${i}:firing:0|${delivery.channel}|x`, alertId: `KILL${i}`, pageKey: `KILL${i}:firing:0`, level: 'P1', delivery, message, mergeKey: `${delivery.channel}:${i}`, status: 'pending', attempts: 0, notBefore: now + delayMs, leaseUntil: null, createdAt: now, updatedAt: now };
    };
    const rows = [0, 1, 2].flatMap((i) => [
      row(i, { channel: 'webhook', target: { endpoint: 'ops' } }, i * 300),
      row(10 + i, { channel: 'dingtalk', target: { robotGroup: 'ops' } }, 1000 + i * 300),
    ]);
    assert.equal(await store.enqueue(rows), 6);
    assert.equal(await store.enqueue(rows), 0, 'the same pages again are no new rows');

    webhook.setFailure({ kind: 'delay', ms: 3000, times: 1 });
    const first = startWorker([target, webhook.url, ding.url]);
    await first.ready;
    await waitFor(() => webhook.messages.length === 1, 10_000);
    first.child.kill('SIGKILL'); // the first webhook was received but its answer never came back
    await first.exited;

    const second = startWorker([target, webhook.url, ding.url, '--until-empty']);
    assert.equal(await second.exited, 0);
    assert.equal(webhook.messages.length, 3, 'each webhook page once');
    assert.equal(webhook.duplicates, 1, 'the in-flight one was sent again and recognised by its idempotency key');
    assert.deepEqual(webhook.messages.map((m) => m.idempotencyKey).sort(), rows.filter((r) => r.delivery.channel === 'webhook').map((r) => r.id).sort());
    assert.equal(ding.messages.length, 3, 'each DingTalk page once');
    for (const r of rows) assert.equal((await store.byAlert(r.alertId))[0]?.status, 'delivered');
  } finally {
    await cleanup();
    await webhook.close();
    await ding.close();
  }
});
