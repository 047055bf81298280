/**
 * The storage contract, run on every backend (Kysely-style): the real SQLite file and the real
 * PostgreSQL server of this machine.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchWrite, Store, StoredEvent } from './store.js';
import { SqliteStore } from './sqlite/store.js';
import { PgStore } from './postgres/store.js';
import { newAgg, addSample } from '../metrics/agg.js';
import { Sketch } from '../metrics/sketch.js';
import { dedupHash } from '../ingest/hash.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const T = Date.UTC(2026, 10, 28, 2, 0, 0);

type Backend = { name: string; open: () => Promise<{ store: Store; cleanup: () => Promise<void> }> };
const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mgops-contract-'));
      const store = new SqliteStore(join(dir, 'x.db'));
      await store.migrate();
      return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const schema = `mgops_test_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
      const store = new PgStore(PG_URL, schema);
      await store.migrate();
      return { store, cleanup: async () => { await store.dropSchema(); await store.close(); } };
    },
  },
];

const ev = (id: string, type: string, extra: Record<string, unknown> = {}): StoredEvent =>
  ({ id, ts: T, t: T, type, ...extra }) as StoredEvent;

function batch(events: StoredEvent[], o: Partial<BatchWrite> = {}): BatchWrite {
  return {
    app: 'mindguard', env: 'production', sdk: 'test/1', release: '1.0.0', receivedAt: T,
    events, category: events.map((e) => (e.type === 'auth_failure' ? 'security' : 'system')),
    dedup: events.map((e) => ({ ts: e.ts, h: dedupHash('mindguard', e.id) })), ops: [], ...o,
  };
}

for (const backend of BACKENDS) {
  describe(`store contract: ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await backend.open()));
    after(async () => cleanup());

    test('commit stores new events once, by category, and reports duplicates', async () => {
      const [r1] = await store.commit([batch([ev('e1', 'page_load'), ev('e2', 'auth_failure'), ev('e1', 'page_load')])]);
      assert.deepEqual(r1!.fresh, [true, true, false]);
      const [r2] = await store.commit([batch([ev('e1', 'page_load'), ev('e3', 'page_load')])]);
      assert.deepEqual(r2!.fresh, [false, true]);
      assert.ok(r2!.seq > r1!.seq);
      const all = await store.batchesAfter(0, 100);
      assert.deepEqual(all.map((b) => [b.category, b.events.map((e) => e.id)]).sort(), [['security', ['e2']], ['system', ['e1']], ['system', ['e3']]].sort());
      assert.equal(all[0]!.release, '1.0.0');
      assert.deepEqual((await store.batchesAfter(r1!.seq, 100)).map((b) => b.events.map((e) => e.id)), [['e3']]);
      const found = await store.findEvents({ from: T - 1000, to: T + 1000, types: ['auth_failure'], limit: 10 });
      assert.deepEqual(found.map((e) => [e.id, e.app]), [['e2', 'mindguard']]);
    });

    test('entities: SOS timers, risk labels, retention cohorts', async () => {
      await store.commit([batch([ev('s1', 'sos'), ev('s2', 'sos'), ev('s3', 'sos')], {
        ops: [
          { i: 0, kind: 'sos', app: 'mindguard', sosId: 'sos-a', action: 'triggered', t: T },
          { i: 1, kind: 'sos', app: 'mindguard', sosId: 'sos-a', action: 'answered', t: T + 25_000, by: 'operations' },
          { i: 2, kind: 'sos', app: 'mindguard', sosId: 'sos-b', action: 'triggered', t: T + 1000 },
        ],
      })]);
      assert.deepEqual((await store.openSos()).map((s) => s.sosId), ['sos-b']);
      const answered = await store.sosAnsweredBetween(T, T + 60_000);
      assert.equal(answered[0]!.answeredAt! - answered[0]!.triggeredAt, 25_000);
      assert.equal((await store.getSos('mindguard', 'sos-a'))!.by, 'operations');
      await store.commit([batch([ev('r1', 'risk_predicted'), ev('r2', 'risk_predicted'), ev('r3', 'risk_labelled'), ev('r4', 'risk_labelled')], {
        ops: [
          { i: 0, kind: 'risk_predicted', app: 'mindguard', predictionId: 'p1', level: 'high', model: 'v3', t: T },
          { i: 1, kind: 'risk_predicted', app: 'mindguard', predictionId: 'p2', level: 'low', model: 'v3', t: T },
          { i: 2, kind: 'risk_labelled', app: 'mindguard', predictionId: 'p1', level: 'high', t: T },
          { i: 3, kind: 'risk_labelled', app: 'mindguard', predictionId: 'p2', level: 'high', t: T },
        ],
      })]);
      const risk = await store.riskStats(T - 1);
      assert.deepEqual([risk.labelled, risk.matched, risk.highLabelled, risk.highCaught], [2, 1, 2, 1]);
      await store.commit([batch([ev('u1', 'user_active'), ev('u2', 'user_active'), ev('u3', 'user_active')], {
        ops: [
          { i: 0, kind: 'user_active', app: 'mindguard', uid: 'u_a', day: 100 },
          { i: 1, kind: 'user_active', app: 'mindguard', uid: 'u_b', day: 100 },
          { i: 2, kind: 'user_active', app: 'mindguard', uid: 'u_a', day: 101 },
        ],
      })]);
      assert.deepEqual(await store.retention(100, 1), { cohort: 2, retained: 1 });
    });

    test('rollups merge on write and move the watermark atomically', async () => {
      const a = newAgg();
      [100, 200, 300].forEach((v) => addSample(a, v, v === 300, Sketch.indexOf(v)));
      await store.writeRollups([{ minute: T, series: 'fn', dim: '', val: '', ...a }], 7);
      const b = newAgg();
      addSample(b, 50, false, Sketch.indexOf(50));
      await store.writeRollups([{ minute: T, series: 'fn', dim: '', val: '', ...b }], 9);
      const [row] = await store.readRollups({ series: ['fn'], dim: '', from: T, to: T + 60_000 });
      assert.deepEqual([row!.n, row!.bad, row!.sum, row!.min, row!.max, row!.sketch!.count], [4, 1, 650, 50, 300, 4]);
      assert.equal(await store.rollupWatermark(), 9);
    });

    test('keys, kv and retention pruning', async () => {
      await store.insertKey({ id: 'k1', app: 'mindguard', hash: 'h1', prefix: 'mgk_abc', createdAt: T, revokedAt: null, note: null });
      assert.equal((await store.findKeyByHash('h1'))!.app, 'mindguard');
      assert.equal(await store.revokeKey('k1', T + 1), true);
      assert.equal(await store.revokeKey('k1', T + 2), false);
      assert.equal((await store.listKeys())[0]!.revokedAt, T + 1);
      await store.setKv('x', '1');
      await store.setKv('x', '2');
      assert.equal(await store.getKv('x'), '2');
      const r = await store.prune({ business: 0, system: T + 1, security: 0, exception: 0 }, T + 1, T + 1);
      assert.ok(r.batches >= 2 && r.dedup >= 3 && r.rollups === 1, JSON.stringify(r));
      assert.deepEqual((await store.batchesAfter(0, 100)).map((b) => b.category), ['security']);
      assert.ok((await store.sizeBytes()) > 0);
    });
  });
}
