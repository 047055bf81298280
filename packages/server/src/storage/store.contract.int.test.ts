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
import pg from 'pg';
import { SqliteStore } from './sqlite/store.js';
import { openDb } from './sqlite/db.js';
import { MIGRATIONS } from './sqlite/migrations.js';
import { PgStore } from './postgres/store.js';
import { PG_MIGRATIONS } from './postgres/migrations.js';
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

    test('weighted rollups: fractional counts of sampled events survive the write, the merge and the read', async () => {
      const a = newAgg();
      addSample(a, 100, false, Sketch.indexOf(100), 10);
      addSample(a, 400, true, Sketch.indexOf(400));
      await store.writeRollups([{ minute: T + 60_000, series: 'api.client', dim: '', val: '', ...a }], 10);
      const b = newAgg();
      addSample(b, 200, false, Sketch.indexOf(200), 1 / 0.3);
      await store.writeRollups([{ minute: T + 60_000, series: 'api.client', dim: '', val: '', ...b }], 11);
      const [row] = await store.readRollups({ series: ['api.client'], dim: '', from: T + 60_000, to: T + 120_000 });
      const n = 10 + 1 + 1 / 0.3;
      assert.ok(Math.abs(row!.n - n) < 1e-9 && Math.abs(row!.sketch!.count - n) < 1e-9, `n ${row!.n}, sketch ${row!.sketch!.count}`);
      assert.equal(row!.bad, 1);
      assert.ok(Math.abs(row!.sum - (1000 + 400 + 200 / 0.3)) < 1e-6, `sum ${row!.sum}`);
      assert.deepEqual([row!.min, row!.max], [100, 400]);
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

    test('findEvents stops at the engine\'s batch cap unless the query asks to scan further (funnel reports)', async () => {
      const U = T + 86_400_000;
      const funnelStep = ev('f1', 'funnel_step', { t: U, ts: U, funnel: 'checkin', step: 'open', sid: 's1' });
      await store.commit([batch([funnelStep], { receivedAt: U, category: ['business'] })]);
      // more business batches after it than a drill-down scan reads (SQLite 20,000, PostgreSQL 5,000)
      const n = (store.engine === 'sqlite' ? 20_000 : 5_000) + 50;
      const newer: BatchWrite[] = [];
      for (let i = 0; i < n; i++) newer.push(batch([ev(`c${i}`, 'checkin', { t: U + 1000 + i, ts: U + 1000 + i, outcome: 'attempt' })], { receivedAt: U + 1000 + i, category: ['business'] }));
      for (let i = 0; i < n; i += 2500) await store.commit(newer.slice(i, i + 2500));
      const q = { from: U - 1, to: U + 10_000_000, types: ['funnel_step'], limit: 10 };
      assert.deepEqual(await store.findEvents(q), [], 'the default cap keeps drill-down fast');
      assert.deepEqual((await store.findEvents({ ...q, maxBatches: n + 10 })).map((e) => e.id), ['f1']);
    });

    test('findEvents can keep only failed events, so a limit counts failures and not every call', async () => {
      const V = T + 3 * 86_400_000;
      const calls = [ev('ok1', 'function_invocation', { t: V, ok: true }), ev('bad1', 'function_invocation', { t: V + 1, ok: false }), ev('ok2', 'function_invocation', { t: V + 2, ok: true }), ev('bad2', 'function_invocation', { t: V + 3, ok: false })];
      await store.commit([batch(calls, { receivedAt: V })]);
      const q = { from: V - 1, to: V + 10, types: ['function_invocation'], limit: 2 };
      assert.deepEqual((await store.findEvents(q)).map((e) => e.id), ['ok2', 'bad2'].reverse(), 'newest first, successes included');
      assert.deepEqual((await store.findEvents({ ...q, failedOnly: true })).map((e) => e.id), ['bad2', 'bad1']);
    });
  });
}

/** A database at schema version 1 (whole-number rollup counts) holding one rollup row, on each engine. */
const V1: { name: string; make: () => Promise<{ store: Store; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'sqlite',
    make: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mgops-v1-'));
      const file = join(dir, 'x.db');
      const db = openDb(file);
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      db.exec(MIGRATIONS[0]!.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(MIGRATIONS[0]!.name);
      db.prepare("INSERT INTO rollups VALUES ('fn', '', ?, '', 3, 1, 600, 100, 300, ?)").run(T, V1_SKETCH);
      db.close();
      const store = new SqliteStore(file);
      return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
  {
    name: 'postgres',
    make: async () => {
      const schema = `mgops_v1_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
        await admin.query(`SET search_path = ${schema}`);
        await admin.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
        await admin.query(PG_MIGRATIONS[0]!.sql);
        await admin.query('INSERT INTO schema_migrations VALUES (1, $1, 0)', [PG_MIGRATIONS[0]!.name]);
        await admin.query("INSERT INTO rollups VALUES ('fn', '', $1, '', 3, 1, 600, 100, 300, $2)", [T, V1_SKETCH]);
      } finally {
        await admin.end();
      }
      const store = new PgStore(PG_URL, schema);
      return { store, cleanup: async () => { await store.dropSchema(); await store.close(); } };
    },
  },
];
const V1_SKETCH = (() => {
  const s = new Sketch();
  [100, 200, 300].forEach((v) => s.add(v));
  return s.serialize();
})();

for (const v1 of V1) {
  test(`migration to weighted rollup counts keeps the stored rollups: ${v1.name}`, async () => {
    const { store, cleanup } = await v1.make();
    try {
      await store.migrate();
      const a = newAgg();
      addSample(a, 50, false, Sketch.indexOf(50), 2.5);
      await store.writeRollups([{ minute: T, series: 'fn', dim: '', val: '', ...a }], 1);
      const [row] = await store.readRollups({ series: ['fn'], dim: '', from: T, to: T + 60_000 });
      assert.deepEqual([row!.n, row!.bad, row!.sum, row!.min, row!.max, row!.sketch!.count], [5.5, 1, 725, 50, 300, 5.5]);
    } finally {
      await cleanup();
    }
  });
}
