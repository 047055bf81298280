/**
 * SQLite implementation of the directory port (people, rotations, the YAML last applied, the
 * append-only audit log). Its own tables and migration record, in the core database file.
 * Each commit bumps the stored version; `watch` compares it every few seconds, so a second process
 * on the same file (a CLI edit) is picked up without a restart.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Person, Rotation } from '../../oncall/model.js';
import { DirectoryConflict, type AuditEntry, type AuditInput, type DirectoryChange, type DirectorySnapshot, type DirectoryStore, type DirectoryWatch, type WatchOptions } from '../../oncall/ports.js';
import { VersionCheck } from '../../oncall/watch.js';
import { applyMigrations } from './db.js';
import { auditEntry, auditRow, directoryTables, versionTable, type AuditRow } from '../directory-rows.js';

const MIGRATIONS = [
  { version: 1, sql: directoryTables('INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER') },
  { version: 2, sql: versionTable('INTEGER') },
];

export class SqliteDirectory implements DirectoryStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    applyMigrations(this.db, 'directory_migrations', MIGRATIONS);
  }

  async snapshot(): Promise<DirectorySnapshot> {
    const docs = <T>(table: string): T[] => (this.db.prepare(`SELECT doc FROM ${table} ORDER BY id`).all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as T);
    return this.db.transaction(() => {
      const meta = this.db.prepare('SELECT key, value FROM oncall_meta').all() as { key: string; value: string }[];
      return { people: docs<Person>('oncall_people'), rotations: docs<Rotation>('oncall_rotations'), meta: Object.fromEntries(meta.map((m) => [m.key, m.value])), version: this.readVersion() };
    })();
  }

  private readVersion(): number {
    return (this.db.prepare('SELECT version FROM oncall_version WHERE id = 1').get() as { version: number }).version;
  }

  async version(): Promise<number> {
    return this.readVersion();
  }

  watch(onChange: (version: number) => void, opts: WatchOptions): DirectoryWatch {
    return new VersionCheck(() => this.version(), onChange, opts);
  }

  async commit(c: DirectoryChange): Promise<number> {
    const db = this.db;
    return db.transaction(() => {
      const bumped = db.prepare('UPDATE oncall_version SET version = version + 1 WHERE id = 1 AND (? IS NULL OR version = ?) RETURNING version').get(c.ifVersion ?? null, c.ifVersion ?? null) as { version: number } | undefined;
      if (!bumped) throw new DirectoryConflict(c.ifVersion ?? -1);
      for (const p of c.putPeople ?? []) db.prepare('INSERT INTO oncall_people (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc').run(p.id, JSON.stringify(p));
      for (const id of c.deletePeople ?? []) db.prepare('DELETE FROM oncall_people WHERE id = ?').run(id);
      for (const r of c.putRotations ?? []) db.prepare('INSERT INTO oncall_rotations (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc').run(r.id, JSON.stringify(r));
      for (const id of c.deleteRotations ?? []) db.prepare('DELETE FROM oncall_rotations WHERE id = ?').run(id);
      for (const [k, v] of Object.entries(c.meta ?? {})) db.prepare('INSERT INTO oncall_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(k, v);
      this.insertAudit(c.audit);
      return bumped.version;
    }).immediate();
  }

  private insertAudit(entries: AuditInput[]): void {
    const ins = this.db.prepare('INSERT INTO oncall_audit (at, actor, action, target, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const e of entries) ins.run(...auditRow(e));
  }

  async append(entries: AuditInput[]): Promise<void> {
    this.db.transaction(() => this.insertAudit(entries))();
  }

  async list(q: { since?: number; limit: number }): Promise<AuditEntry[]> {
    const rows = this.db.prepare('SELECT * FROM oncall_audit WHERE at >= ? ORDER BY seq DESC LIMIT ?').all(q.since ?? 0, q.limit) as AuditRow[];
    return rows.map(auditEntry);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
