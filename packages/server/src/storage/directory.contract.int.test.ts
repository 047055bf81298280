/**
 * The directory storage contract (people, rotations, the YAML last applied, the audit log, the
 * version other processes follow), run on the real SQLite file and the real PostgreSQL server of
 * this machine (a fresh schema, dropped).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { DirectoryConflict, type DirectoryStore } from '../oncall/ports.js';
import type { Rotation } from '../oncall/model.js';
import { SqliteDirectory } from './sqlite/directory.js';
import { PgDirectory } from './postgres/directory.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const T = Date.UTC(2026, 10, 28, 2, 0, 0);

/**
 * open() can be called again on the same data: a restart, or a second process. `checkEveryMs`:
 * the version check a watch needs to see another instance's commit in this test — on PostgreSQL a
 * minute, so only the pushed notification (or the reconnect) can make it in time.
 */
type Backend = { name: string; checkEveryMs: number; setup: () => { open: () => Promise<DirectoryStore>; cleanup: () => Promise<void>; listen?: string } };
const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    checkEveryMs: 100,
    setup: () => {
      const dir = mkdtempSync(join(tmpdir(), 'mgops-directory-'));
      return { open: async () => new SqliteDirectory(join(dir, 'x.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    checkEveryMs: 60_000,
    setup: () => {
      const schema = `mgops_dir_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
      return {
        listen: `LISTEN "directory_${schema}"`,
        open: () => PgDirectory.open(PG_URL, schema),
        cleanup: async () => {
          const s = await PgDirectory.open(PG_URL, schema);
          await s.dropSchema();
          await s.close();
        },
      };
    },
  },
];

const rot: Rotation = { id: 'ops', role: 'ops_engineer', layers: [{ name: '24x7', members: ['alice', 'bob'], start: T, handoffMs: 604_800_000, restriction: { days: [1, 2] } }], overrides: [{ id: 'o1', personId: 'bob', start: T, end: T + 3_600_000, note: 'cover' }] };
const entry = (at: number, action: string) => ({ at, actor: 'admin', action, target: 'person:alice', before: null, after: { mobile: '138****0001' } });

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 30_000; !(await cond()); await sleep(20)) if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
}

/** What a second process learns through `watch`. */
function observe(s: DirectoryStore, checkEveryMs: number) {
  const seen: number[] = [];
  const w = s.watch((v) => seen.push(v), { checkEveryMs });
  return { seen, close: () => w.close() };
}

/** The backends of the PostgreSQL connections listening on this schema's directory channel (a session's last query is its LISTEN). */
async function listeners(admin: pg.Client, listen: string | undefined): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE query = $1', [listen]);
  return rows.map((r) => r.pid);
}

for (const b of BACKENDS) {
  describe(`directory storage on ${b.name}`, () => {
    let env: ReturnType<Backend['setup']>;
    let store: DirectoryStore;
    const admin = new pg.Client({ connectionString: PG_URL });
    const adminListeners = () => listeners(admin, env.listen);
    before(async () => {
      env = b.setup();
      store = await env.open();
      await admin.connect();
    });
    after(async () => {
      await store.close();
      await env.cleanup();
      await admin.end();
    });

    test('a commit is read back whole, and again after reopening', async () => {
      await store.commit({
        putPeople: [{ id: 'alice', name: 'Alice', roles: ['ops_engineer'], mobile: '13800000001' }, { id: 'bob', name: 'Bob', roles: ['ops_engineer'] }],
        putRotations: [rot],
        meta: { 'yaml.applied': '{"people":[]}' },
        audit: [entry(T, 'person.create')],
      });
      await store.commit({ putPeople: [{ id: 'alice', name: 'Alice', roles: ['ops_engineer'], mobile: '13900000001' }], deletePeople: ['bob'], audit: [entry(T + 1, 'person.update')] });
      await store.close();
      store = await env.open();
      const snap = await store.snapshot();
      assert.deepEqual(snap.people, [{ id: 'alice', name: 'Alice', roles: ['ops_engineer'], mobile: '13900000001' }]);
      assert.deepEqual(snap.rotations, [rot]);
      assert.deepEqual(snap.meta, { 'yaml.applied': '{"people":[]}' });
      await store.commit({ deleteRotations: ['ops'], audit: [entry(T + 2, 'rotation.delete')] });
      assert.deepEqual((await store.snapshot()).rotations, []);
    });

    test('the audit log lists newest first, from a time, up to a limit', async () => {
      await store.append([entry(T + 10, 'silence.create'), entry(T + 11, 'alert.ack')]);
      const all = await store.list({ limit: 100 });
      assert.deepEqual(all.map((e) => e.action), ['alert.ack', 'silence.create', 'rotation.delete', 'person.update', 'person.create']);
      assert.deepEqual(all[0], { seq: all[0]?.seq, at: T + 11, actor: 'admin', action: 'alert.ack', target: 'person:alice', before: null, after: { mobile: '138****0001' } });
      assert.deepEqual((await store.list({ since: T + 2, limit: 2 })).map((e) => e.action), ['alert.ack', 'silence.create']);
      assert.deepEqual((await store.list({ since: T + 2, limit: 100 })).map((e) => e.at), [T + 11, T + 10, T + 2]);
    });

    test('a commit whose audit cannot be written changes nothing', async () => {
      const version = await store.version();
      const bad = { ...entry(T + 20, 'person.create'), actor: null as unknown as string };
      await assert.rejects(store.commit({ putPeople: [{ id: 'carol', name: 'Carol', roles: [] }], audit: [bad] }));
      assert.deepEqual((await store.snapshot()).people.map((p) => p.id), ['alice']);
      assert.equal((await store.list({ since: T + 20, limit: 10 })).length, 0);
      assert.equal(await store.version(), version, 'nobody is told of a change that did not happen');
    });

    test('a change through one instance is seen by another (a second process) through watch, without reopening', async () => {
      const other = await env.open();
      const watch = observe(other, b.checkEveryMs);
      try {
        await until(async () => watch.seen.at(-1) === (await store.version()), 'the first version check');
        if (b.name === 'postgres') await until(async () => (await adminListeners()).length > 0, 'the LISTEN connection');
        const version = await store.commit({ putPeople: [{ id: 'carol', name: 'Carol', roles: ['ops_engineer'], mobile: '13800000009' }], audit: [entry(T + 30, 'person.create')] });
        await until(() => watch.seen.includes(version), `version ${version} at the other instance`);
        assert.deepEqual((await other.snapshot()).people.map((p) => [p.id, p.mobile]), [['alice', '13900000001'], ['carol', '13800000009']]);
        assert.equal((await other.snapshot()).version, version);
      } finally {
        await watch.close();
        await other.close();
      }
    });

    test('a commit made on top of an older version is refused whole: the caller checks again on the newer directory', async () => {
      const stale = await store.version();
      const other = await env.open();
      try {
        await other.commit({ putPeople: [{ id: 'dan', name: 'Dan', roles: [] }], audit: [entry(T + 40, 'person.create')] });
        await assert.rejects(store.commit({ deletePeople: ['carol'], ifVersion: stale, audit: [entry(T + 41, 'person.delete')] }), DirectoryConflict);
        assert.deepEqual((await store.snapshot()).people.map((p) => p.id), ['alice', 'carol', 'dan']);
        assert.equal((await store.list({ since: T + 41, limit: 10 })).length, 0);
        assert.equal(await store.commit({ deletePeople: ['dan'], ifVersion: stale + 1, audit: [entry(T + 42, 'person.delete')] }), stale + 2);
      } finally {
        await other.close();
      }
    });

    if (b.name === 'postgres')
      test('after its listening connection dropped, a process listens again and catches up on what it missed', async () => {
        const other = await env.open();
        const watch = observe(other, b.checkEveryMs);
        try {
          await until(async () => (await adminListeners()).length === 1, 'the LISTEN connection');
          const [dropped] = await adminListeners();
          await admin.query('SELECT pg_terminate_backend($1)', [dropped]);
          const missed = await store.commit({ putPeople: [{ id: 'erin', name: 'Erin', roles: [] }], audit: [entry(T + 50, 'person.create')] });
          await until(() => watch.seen.includes(missed), `version ${missed} after the reconnect`);
          await until(async () => (await adminListeners()).some((pid) => pid !== dropped), 'listening again');
          const next = await store.commit({ deletePeople: ['erin'], audit: [entry(T + 51, 'person.delete')] });
          await until(() => watch.seen.includes(next), `version ${next} pushed on the new connection`);
        } finally {
          await watch.close();
          await other.close();
        }
      });
  });
}
