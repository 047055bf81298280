/**
 * SQLite implementation of the alerting ports (alerts, timeline, rule states, silences, the
 * durable outbox, channel budget ledger). Kept apart from the core store: its own tables and its
 * own migration record, in the same database file (WAL allows a second connection).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Alert, AlertStatus, OutboxRow, TimelineEntry } from '../../alerting/model.js';
import type { AlertStore, OutboxStore } from '../../alerting/ports.js';
import type { Silence } from '../../alerting/silence.js';
import { LEDGER_KEEP_MS, LEDGER_PRUNE_EVERY_MS, type BudgetLedger } from '../../notify/budget.js';
import type { RuleState } from '../../rules/state.js';
import { applyMigrations } from './db.js';

const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS alerts (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status TEXT NOT NULL, starts_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS alerts_open ON alerts (fingerprint, status);
      CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status, starts_at);
      CREATE TABLE IF NOT EXISTS alert_timeline (seq INTEGER PRIMARY KEY, alert_id TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS alert_timeline_alert ON alert_timeline (alert_id, seq);
      CREATE TABLE IF NOT EXISTS alert_rule_states (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS alert_silences (id TEXT PRIMARY KEY, ends_at INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS alert_outbox (id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, status TEXT NOT NULL, not_before INTEGER NOT NULL, lease_until INTEGER, created_at INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (status, not_before);
      CREATE INDEX IF NOT EXISTS alert_outbox_alert ON alert_outbox (alert_id);
      CREATE TABLE IF NOT EXISTS notify_budget (key TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS notify_budget_key ON notify_budget (key, at);
    `,
  },
  { version: 2, sql: 'CREATE INDEX IF NOT EXISTS notify_budget_at ON notify_budget (at);' },
];

type Row = { doc: string };

export class SqliteAlerting implements AlertStore, OutboxStore, BudgetLedger {
  private readonly db: Database.Database;
  /** ledger time of the last pruning of old budget entries */
  private prunedAt = -Infinity;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    applyMigrations(this.db, 'alerting_migrations', MIGRATIONS);
  }

  close(): void {
    this.db.close();
  }

  // --- alerts -----------------------------------------------------------------------------
  async getAlert(id: string): Promise<Alert | null> {
    const r = this.db.prepare('SELECT doc FROM alerts WHERE id = ?').get(id) as Row | undefined;
    return r ? (JSON.parse(r.doc) as Alert) : null;
  }
  async openByFingerprint(fp: string): Promise<Alert | null> {
    const r = this.db.prepare("SELECT doc FROM alerts WHERE fingerprint = ? AND status != 'resolved' ORDER BY starts_at DESC LIMIT 1").get(fp) as Row | undefined;
    return r ? (JSON.parse(r.doc) as Alert) : null;
  }
  async listAlerts(q: { status?: AlertStatus[]; since?: number; limit: number }): Promise<Alert[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.status) {
      where.push(`status IN (${q.status.map(() => '?').join(',')})`);
      args.push(...q.status);
    }
    if (q.since !== undefined) {
      where.push('updated_at >= ?');
      args.push(q.since);
    }
    const sql = `SELECT doc FROM alerts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY starts_at DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit) as Row[]).map((r) => JSON.parse(r.doc) as Alert);
  }
  async saveAlert(a: Alert): Promise<void> {
    this.db
      .prepare('INSERT INTO alerts (id, fingerprint, status, starts_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, doc = excluded.doc')
      .run(a.id, a.fingerprint, a.status, a.startsAt, a.updatedAt, JSON.stringify(a));
  }
  async appendTimeline(entries: TimelineEntry[]): Promise<void> {
    const ins = this.db.prepare('INSERT INTO alert_timeline (alert_id, at, kind, detail) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => entries.forEach((e) => ins.run(e.alertId, e.at, e.kind, JSON.stringify(e.detail))))();
  }
  async timeline(alertId: string): Promise<TimelineEntry[]> {
    const rows = this.db.prepare('SELECT alert_id, at, kind, detail FROM alert_timeline WHERE alert_id = ? ORDER BY seq').all(alertId) as { alert_id: string; at: number; kind: TimelineEntry['kind']; detail: string }[];
    return rows.map((r) => ({ alertId: r.alert_id, at: r.at, kind: r.kind, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
  async getRuleState(key: string): Promise<RuleState | null> {
    const r = this.db.prepare('SELECT doc FROM alert_rule_states WHERE key = ?').get(key) as Row | undefined;
    return r ? (JSON.parse(r.doc) as RuleState) : null;
  }
  async saveRuleState(s: RuleState): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO alert_rule_states (key, doc) VALUES (?, ?)').run(s.key, JSON.stringify(s));
  }
  async saveSilence(s: Silence): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO alert_silences (id, ends_at, doc) VALUES (?, ?, ?)').run(s.id, s.endsAt, JSON.stringify(s));
  }
  async listSilences(): Promise<Silence[]> {
    return (this.db.prepare('SELECT doc FROM alert_silences ORDER BY ends_at DESC').all() as Row[]).map((r) => JSON.parse(r.doc) as Silence);
  }

  // --- outbox -----------------------------------------------------------------------------
  async enqueue(rows: OutboxRow[]): Promise<number> {
    const ins = this.db.prepare('INSERT OR IGNORE INTO alert_outbox (id, alert_id, status, not_before, lease_until, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)');
    return this.db.transaction(() => rows.reduce((n, r) => n + ins.run(r.id, r.alertId, r.status, r.notBefore, r.leaseUntil, r.createdAt, JSON.stringify(r)).changes, 0))();
  }
  async claimDue(now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const sel = this.db.prepare(
      "SELECT doc FROM alert_outbox WHERE (status = 'pending' AND not_before <= ?) OR (status = 'sending' AND lease_until <= ?) ORDER BY not_before, created_at LIMIT ?",
    );
    const upd = this.db.prepare("UPDATE alert_outbox SET status = 'sending', lease_until = ?, doc = ? WHERE id = ?");
    return this.db.transaction(() => {
      const rows = (sel.all(now, now, limit) as Row[]).map((r) => JSON.parse(r.doc) as OutboxRow);
      for (const r of rows) {
        r.status = 'sending';
        r.leaseUntil = now + leaseMs;
        r.attempts += 1;
        r.updatedAt = now;
        upd.run(r.leaseUntil, JSON.stringify(r), r.id);
      }
      return rows;
    }).immediate();
  }
  async update(r: OutboxRow): Promise<boolean> {
    // fenced by the claim count: a write from a claim that has since been superseded changes nothing
    const res = this.db
      .prepare("UPDATE alert_outbox SET status = ?, not_before = ?, lease_until = ?, doc = ? WHERE id = ? AND json_extract(doc, '$.attempts') = ?")
      .run(r.status, r.notBefore, r.leaseUntil, JSON.stringify(r), r.id, r.attempts);
    return res.changes === 1;
  }
  async byAlert(alertId: string): Promise<OutboxRow[]> {
    return (this.db.prepare('SELECT doc FROM alert_outbox WHERE alert_id = ? ORDER BY created_at, id').all(alertId) as Row[]).map((r) => JSON.parse(r.doc) as OutboxRow);
  }
  async pendingCount(): Promise<number> {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM alert_outbox WHERE status IN ('pending', 'sending')").get() as { n: number }).n;
  }
  async nextDue(): Promise<number | null> {
    const r = this.db
      .prepare("SELECT MIN(CASE WHEN status = 'pending' THEN not_before ELSE lease_until END) AS t FROM alert_outbox WHERE status IN ('pending', 'sending')")
      .get() as { t: number | null };
    return r.t;
  }

  // --- budget ledger ----------------------------------------------------------------------
  async window(key: string, since: number): Promise<{ count: number; earliest?: number }> {
    const r = this.db.prepare('SELECT COUNT(*) AS n, MIN(at) AS first FROM notify_budget WHERE key = ? AND at >= ?').get(key, since) as { n: number; first: number | null };
    return r.first === null ? { count: r.n } : { count: r.n, earliest: r.first };
  }
  async record(key: string, at: number): Promise<void> {
    this.db.prepare('INSERT INTO notify_budget (key, at) VALUES (?, ?)').run(key, at);
    this.pruneNow(at);
  }
  async admit(key: string, since: number, limit: number, at: number): Promise<boolean> {
    // IMMEDIATE takes the write lock before counting: another process on the file waits for us
    const ok = this.db.transaction(() => {
      const r = this.db.prepare('SELECT COUNT(*) AS n FROM notify_budget WHERE key = ? AND at >= ?').get(key, since) as { n: number };
      if (r.n >= limit) return false;
      this.db.prepare('INSERT INTO notify_budget (key, at) VALUES (?, ?)').run(key, at);
      return true;
    }).immediate();
    if (ok) this.pruneNow(at);
    return ok;
  }
  async release(key: string, at: number): Promise<void> {
    this.db.prepare('DELETE FROM notify_budget WHERE rowid = (SELECT rowid FROM notify_budget WHERE key = ? AND at = ? LIMIT 1)').run(key, at);
  }
  async prune(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM notify_budget WHERE at < ?').run(before).changes;
  }
  /** drops entries past every budget window, at most once per LEDGER_PRUNE_EVERY_MS of ledger time */
  private pruneNow(at: number): void {
    if (at - this.prunedAt < LEDGER_PRUNE_EVERY_MS) return;
    this.prunedAt = at;
    void this.prune(at - LEDGER_KEEP_MS);
  }
}
