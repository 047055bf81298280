/**
 * PostgreSQL implementation of the directory port: the same tables as SQLite, in the configured
 * schema, with their own migration record. Several server processes may share it: each commit
 * bumps the version and NOTIFYs it (the version only, never contact data) in its transaction;
 * `watch` LISTENs on a connection of its own, listens again after that connection dropped (and
 * reports the version then, since notifications may have been missed), and compares the stored
 * version every few seconds as a safety net.
 */
import pg from 'pg';
import type { Person, Rotation } from '../../oncall/model.js';
import { DirectoryConflict, type AuditEntry, type AuditInput, type DirectoryChange, type DirectorySnapshot, type DirectoryStore, type DirectoryWatch, type WatchOptions } from '../../oncall/ports.js';
import { VersionCheck } from '../../oncall/watch.js';
import { auditEntry, auditRow, directoryTables, versionTable, type AuditRow } from '../directory-rows.js';
import { PgListener } from './listen.js';
import { applyMigrations, inTransaction, schemaPool } from './pool.js';

const MIGRATIONS = [
  { version: 1, sql: directoryTables('BIGSERIAL PRIMARY KEY', 'BIGINT') },
  { version: 2, sql: versionTable('BIGINT') },
];

/** Advisory lock key of the directory migrations (core store 7301, alerting 7302). */
const MIGRATION_LOCK = 7303;

export class PgDirectory implements DirectoryStore {
  private readonly pool: pg.Pool;
  /** the NOTIFY channel of this schema's directory (names longer than PostgreSQL's 63 bytes are cut) */
  private readonly channel: string;

  private constructor(private readonly url: string, private readonly schema: string) {
    this.pool = schemaPool(url, schema, 2);
    this.channel = `directory_${schema}`.slice(0, 63);
  }

  /** Connects and brings the directory tables of `schema` up to date. */
  static async open(url: string, schema = 'mgops'): Promise<PgDirectory> {
    const store = new PgDirectory(url, schema);
    await applyMigrations(store.pool, schema, MIGRATION_LOCK, 'directory_migrations', MIGRATIONS).catch(async (e: unknown) => {
      await store.close();
      throw e;
    });
    return store;
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, fn);
  }

  async version(): Promise<number> {
    return (await this.pool.query<{ version: number }>('SELECT version FROM oncall_version WHERE id = 1')).rows[0]?.version ?? 0;
  }

  watch(onChange: (version: number) => void, opts: WatchOptions): DirectoryWatch {
    const check = new VersionCheck(() => this.version(), onChange, opts);
    const listener = new PgListener(this.url, this.channel, {
      onNotify: (payload) => check.report(Number(payload)),
      onReconnect: () => void check.check(),
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
    return {
      close: async () => {
        await listener.close();
        await check.close();
      },
    };
  }

  async snapshot(): Promise<DirectorySnapshot> {
    const version = await this.version(); // first: the documents read below are at least this new
    const docs = async <T>(table: string): Promise<T[]> => (await this.pool.query<{ doc: string }>(`SELECT doc FROM ${table} ORDER BY id`)).rows.map((r) => JSON.parse(r.doc) as T);
    const meta = (await this.pool.query<{ key: string; value: string }>('SELECT key, value FROM oncall_meta')).rows;
    return { people: await docs<Person>('oncall_people'), rotations: await docs<Rotation>('oncall_rotations'), meta: Object.fromEntries(meta.map((m) => [m.key, m.value])), version };
  }

  async commit(c: DirectoryChange): Promise<number> {
    return this.tx(async (q) => {
      // the version row is locked until COMMIT: directory commits of every process run one at a time
      const bumped = (await q.query<{ version: number }>('UPDATE oncall_version SET version = version + 1 WHERE id = 1 AND ($1::bigint IS NULL OR version = $1) RETURNING version', [c.ifVersion ?? null])).rows[0];
      if (!bumped) throw new DirectoryConflict(c.ifVersion ?? -1);
      for (const p of c.putPeople ?? []) await q.query('INSERT INTO oncall_people (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc', [p.id, JSON.stringify(p)]);
      for (const id of c.deletePeople ?? []) await q.query('DELETE FROM oncall_people WHERE id = $1', [id]);
      for (const r of c.putRotations ?? []) await q.query('INSERT INTO oncall_rotations (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc', [r.id, JSON.stringify(r)]);
      for (const id of c.deleteRotations ?? []) await q.query('DELETE FROM oncall_rotations WHERE id = $1', [id]);
      for (const [k, v] of Object.entries(c.meta ?? {})) await q.query('INSERT INTO oncall_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [k, v]);
      await this.insertAudit(q, c.audit);
      await q.query('SELECT pg_notify($1, $2)', [this.channel, String(bumped.version)]); // delivered at COMMIT, dropped on ROLLBACK
      return bumped.version;
    });
  }

  private async insertAudit(q: pg.PoolClient, entries: AuditInput[]): Promise<void> {
    for (const e of entries) await q.query('INSERT INTO oncall_audit (at, actor, action, target, before, after, note) VALUES ($1, $2, $3, $4, $5, $6, $7)', auditRow(e));
  }

  async append(entries: AuditInput[]): Promise<void> {
    await this.tx((q) => this.insertAudit(q, entries));
  }

  async list(q: { since?: number; limit: number }): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<AuditRow>('SELECT * FROM oncall_audit WHERE at >= $1 ORDER BY seq DESC LIMIT $2', [q.since ?? 0, q.limit]);
    return rows.map(auditEntry);
  }

  /** Drops the whole schema (tests). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
