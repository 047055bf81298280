/**
 * The directory storage contract (people, rotations, the YAML last applied, the audit log), run
 * on the real SQLite file and the real PostgreSQL server of this machine (a fresh schema, dropped).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryStore } from '../oncall/ports.js';
import type { Rotation } from '../oncall/model.js';
import { SqliteDirectory } from './sqlite/directory.js';
import { PgDirectory } from './postgres/directory.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const T = Date.UTC(2026, 10, 28, 2, 0, 0);

/** open() can be called again on the same data: a restart. */
type Backend = { name: string; setup: () => { open: () => Promise<DirectoryStore>; cleanup: () => Promise<void> } };
const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    setup: () => {
      const dir = mkdtempSync(join(tmpdir(), 'mgops-directory-'));
      return { open: async () => new SqliteDirectory(join(dir, 'x.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    setup: () => {
      const schema = `mgops_dir_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
      return {
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

for (const b of BACKENDS) {
  describe(`directory storage on ${b.name}`, () => {
    let env: ReturnType<Backend['setup']>;
    let store: DirectoryStore;
    before(async () => {
      env = b.setup();
      store = await env.open();
    });
    after(async () => {
      await store.close();
      await env.cleanup();
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
      const bad = { ...entry(T + 20, 'person.create'), actor: null as unknown as string };
      await assert.rejects(store.commit({ putPeople: [{ id: 'carol', name: 'Carol', roles: [] }], audit: [bad] }));
      assert.deepEqual((await store.snapshot()).people.map((p) => p.id), ['alice']);
      assert.equal((await store.list({ since: T + 20, limit: 10 })).length, 0);
    });
  });
}
