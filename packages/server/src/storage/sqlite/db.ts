import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/** Opens the database file in WAL mode and applies pending migrations. */
export function openDb(file: string, cacheKib = 8000): Db {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (SIGKILL) without losing committed transactions;
  // only an OS crash or power loss can lose the last ones.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${cacheKib}`);
  db.pragma('wal_autocheckpoint = 4000');
  db.pragma('foreign_keys = ON');
  return db;
}

export function migrate(db: Db): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
  return MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
}

/**
 * Applies the migrations of a capability's own tables (alerting, directory) not yet recorded in
 * `table`, each in its own transaction, beside the core store's schema_migrations.
 */
export function applyMigrations(db: Db, table: string, migrations: { version: number; sql: string }[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  const done = new Set((db.prepare(`SELECT version FROM ${table}`).all() as { version: number }[]).map((r) => r.version));
  const record = db.prepare(`INSERT INTO ${table} (version, applied_at) VALUES (?, ?)`);
  for (const m of migrations) if (!done.has(m.version)) db.transaction(() => (db.exec(m.sql), record.run(m.version, Date.now())))();
}
