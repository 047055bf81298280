/**
 * Two dispatchers on one durable outbox (SQLite file, PostgreSQL schema) and a signature-checking
 * webhook receiver: one of them stalls after its send reaches the receiver (a long pause, a slow
 * answer) while the shared clock runs past its lease. What the user must not see: a delivery
 * recorded twice, a page sent again by the stalled dispatcher after another one took it over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleNotice } from '../../test/receivers/sample.js';
import { createChannelRegistry } from '../notify/registry.js';
import { startWebhookReceiver, type WebhookReceiver } from '../notify/standins/webhook.js';
import { renderAlert } from '../notify/template/render.js';
import type { ChannelRegistry, Delivery } from '../notify/types.js';
import type { AlertingStorage } from '../storage/index.js';
import { PgAlerting } from '../storage/postgres/alerting.js';
import { SqliteAlerting } from '../storage/sqlite/alerting.js';
import { ManualClock } from '../util/clock.js';
import type { OutboxRow } from './model.js';
import { dispatchDue, type DispatchStats } from './outbox.js';
import { DEFAULT_POLICY } from './policy.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'lease-test-webhook-secret';
const LEASE = 1_000;

const ENGINES: Record<string, () => Promise<{ store: AlertingStorage; cleanup: () => Promise<void> }>> = {
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgops-lease-'));
    const store = new SqliteAlerting(join(dir, 'mgops.db'));
    return { store, cleanup: async () => { store.close(); rmSync(dir, { recursive: true, force: true }); } };
  },
  postgres: async () => {
    const store = await PgAlerting.open(PG_URL, `mgops_lease_${process.pid}_${Math.floor(Math.random() * 1e6)}`);
    return { store, cleanup: async () => { await store.dropSchema(); await store.close(); } };
  },
};

/**
 * The registry of the slow dispatcher: `arrival()` arms a stall and resolves when the next webhook
 * send has reached the receiver; that send then stalls until the test calls `go()`. Sends made
 * with no stall armed go straight through.
 */
function stallingAfterSend(registry: ChannelRegistry) {
  let reached: (() => void) | null = null;
  const ctl = { sends: 0, go: () => undefined as void, arrival: () => new Promise<void>((r) => (reached = r)) };
  const slow: ChannelRegistry = {
    ...registry,
    webhook: {
      ...registry.webhook,
      send: async (message, target, ctx) => {
        const result = await registry.webhook.send(message, target, ctx);
        ctl.sends++;
        const armed = reached;
        reached = null;
        if (armed) {
          const held = new Promise<void>((g) => (ctl.go = g));
          armed();
          await held;
        }
        return result;
      },
    },
  };
  return { slow, ctl };
}

type Scenario = {
  clock: ManualClock;
  store: AlertingStorage;
  hook: WebhookReceiver;
  rows: OutboxRow[];
  ctl: ReturnType<typeof stallingAfterSend>['ctl'];
  /** starts dispatcher A, whose sends stall when armed */
  startA: () => Promise<DispatchStats>;
  /** runs dispatcher B to the end */
  runB: () => Promise<DispatchStats>;
};

/** Two pages due now (webhook endpoints `ops` and `dev`, one receiver) and two dispatchers sharing one clock. */
async function scenario(open: () => Promise<{ store: AlertingStorage; cleanup: () => Promise<void> }>, body: (s: Scenario) => Promise<void>): Promise<void> {
  const clock = new ManualClock(Date.now());
  const { store, cleanup } = await open();
  const hook = await startWebhookReceiver({ secret: SECRET, now: () => clock.now() });
  try {
    const registry = createChannelRegistry({ webhook: { endpoints: { ops: { url: hook.url, secret: SECRET }, dev: { url: hook.url, secret: SECRET } } } });
    const now = clock.now();
    const rows: OutboxRow[] = ['ops', 'dev'].map((endpoint, i) => {
      const delivery: Delivery = { channel: 'webhook', target: { endpoint } };
      const alertId = `LEASE-${endpoint}`;
      return {
        id: `${alertId}:firing:0|webhook|webhook:${endpoint}`, alertId, pageKey: `${alertId}:firing:0`, level: 'P1', delivery,
        message: renderAlert(sampleNotice({ alertId })), mergeKey: `webhook:${endpoint}`, status: 'pending', attempts: 0,
        notBefore: now, leaseUntil: null, createdAt: now + i, updatedAt: now,
      };
    });
    assert.equal(await store.enqueue(rows), 2);
    const dispatch = (r: ChannelRegistry) => dispatchDue({ outbox: store, registry: r, policy: DEFAULT_POLICY, clock, record: (e) => store.appendTimeline(e) }, { leaseMs: LEASE });
    const { slow, ctl } = stallingAfterSend(registry);
    await body({ clock, store, hook, rows, ctl, startA: () => dispatch(slow), runB: () => dispatch(registry) });
  } finally {
    await hook.close();
    await cleanup();
  }
}

async function deliveredOnce(store: AlertingStorage, hook: WebhookReceiver, rows: OutboxRow[], attempts: number): Promise<void> {
  assert.equal(hook.messages.length, rows.length, 'each page reached the receiver as one message');
  for (const r of rows) {
    const [stored] = await store.byAlert(r.alertId);
    assert.deepEqual([stored?.status, stored?.attempts], ['delivered', attempts], r.alertId);
    const kinds = (await store.timeline(r.alertId)).map((e) => e.kind);
    assert.deepEqual(kinds, ['delivered'], `${r.alertId}: one delivery in the timeline`);
  }
}

for (const [engine, open] of Object.entries(ENGINES)) {
  test(`${engine}: a dispatcher stalled past its lease records nothing and sends nothing more once another one took its rows over`, { timeout: 30_000 }, () =>
    scenario(open, async ({ clock, store, hook, rows, ctl, startA, runB }) => {
      const arrived = ctl.arrival();
      const a = startA();
      await arrived; // A's first page reached the receiver; A stalls
      clock.advance(LEASE);
      const b = await runB();
      assert.deepEqual([b.claimed, b.delivered, b.lost], [2, 2, 0], 'B took both expired leases over and delivered');
      ctl.go();
      const statsA = await a;
      assert.deepEqual([statsA.claimed, statsA.delivered, statsA.lost], [2, 0, 2], 'A learns it lost both rows');
      assert.equal(ctl.sends, 1, 'A did not send the second page, which B had taken over');
      assert.equal(hook.requests.length, 3, 'the first page twice (A in flight, then B), the second once');
      assert.equal(hook.duplicates, 1, 'the repeat carried the same Idempotency-Key');
      await deliveredOnce(store, hook, rows, 2);
    }));

  test(`${engine}: a batch that waited behind a slow send renews its lease first, so no other dispatcher sends it too`, { timeout: 30_000 }, () =>
    scenario(open, async ({ clock, store, hook, rows, ctl, startA, runB }) => {
      let arrived = ctl.arrival();
      const a = startA();
      await arrived;
      clock.advance(LEASE * 0.6); // the first send took most of the lease
      arrived = ctl.arrival();
      ctl.go();
      await arrived; // A's second page reached the receiver, A stalls again
      clock.advance(LEASE * 0.5); // past the original lease, within the renewed one
      const b = await runB();
      assert.equal(b.claimed, 0, 'nothing for B: the first row is delivered, the second is leased anew');
      ctl.go();
      const statsA = await a;
      assert.deepEqual([statsA.claimed, statsA.delivered, statsA.lost], [2, 2, 0]);
      assert.equal(hook.requests.length, 2, 'each page sent once');
      await deliveredOnce(store, hook, rows, 1);
    }));
}
