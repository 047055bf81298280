/**
 * PostgreSQL implementation of the alerting ports (alerts, timeline, rule states, silences, the
 * durable outbox, channel budget ledger): the same tables as storage/sqlite/alerting.ts, in the
 * configured schema beside the core store, with their own migration record. Several server
 * processes may share it: `claimDue` leases rows under `FOR UPDATE SKIP LOCKED`, so two
 * dispatchers never take the same row; every outbox write is fenced by the claim count, so a
 * dispatcher slow past its lease cannot overwrite the new holder's outcome; budget admissions of
 * one key are serialised by an advisory lock, so concurrent senders never overshoot a limit.
 */
import type pg from 'pg';
import type { Alert, AlertStatus, OutboxRow, TimelineEntry } from '../../alerting/model.js';
import type { AlertStore, OutboxStore } from '../../alerting/ports.js';
import type { Silence } from '../../alerting/silence.js';
import { LEDGER_KEEP_MS, LEDGER_PRUNE_EVERY_MS, type BudgetLedger } from '../../notify/budget.js';
import type { RuleState } from '../../rules/state.js';
import { applyMigrations, inTransaction, schemaPool } from './pool.js';

const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE alerts (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status TEXT NOT NULL, starts_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, doc JSONB NOT NULL);
      CREATE INDEX alerts_open ON alerts (fingerprint, status);
      CREATE INDEX alerts_status ON alerts (status, starts_at);
      CREATE TABLE alert_timeline (seq BIGSERIAL PRIMARY KEY, alert_id TEXT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL, detail JSONB NOT NULL);
      CREATE INDEX alert_timeline_alert ON alert_timeline (alert_id, seq);
      CREATE TABLE alert_rule_states (key TEXT PRIMARY KEY, doc JSONB NOT NULL);
      CREATE TABLE alert_silences (id TEXT PRIMARY KEY, ends_at BIGINT NOT NULL, doc JSONB NOT NULL);
      CREATE TABLE alert_outbox (id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, status TEXT NOT NULL, not_before BIGINT NOT NULL, lease_until BIGINT, created_at BIGINT NOT NULL, doc JSONB NOT NULL);
      CREATE INDEX alert_outbox_due ON alert_outbox (status, not_before);
      CREATE INDEX alert_outbox_alert ON alert_outbox (alert_id);
      CREATE TABLE notify_budget (key TEXT NOT NULL, at BIGINT NOT NULL);
      CREATE INDEX notify_budget_key ON notify_budget (key, at);
    `,
  },
  { version: 2, sql: 'CREATE INDEX notify_budget_at ON notify_budget (at);' },
];

/** Advisory lock key of the alerting migrations (the core store uses 7301). */
const MIGRATION_LOCK = 7302;
/** First half of the two-part advisory lock key of a budget ledger key (the second is its hash). */
const BUDGET_LOCK_CLASS = 7303;

export class PgAlerting implements AlertStore, OutboxStore, BudgetLedger {
  private readonly pool: pg.Pool;
  /** ledger time of the last pruning of old budget entries */
  private prunedAt = -Infinity;

  private constructor(url: string, private readonly schema: string) {
    this.pool = schemaPool(url, schema, 4);
  }

  /** Connects and brings the alerting tables of `schema` up to date (several processes may race here). */
  static async open(url: string, schema = 'mgops'): Promise<PgAlerting> {
    const store = new PgAlerting(url, schema);
    try {
      await applyMigrations(store.pool, schema, MIGRATION_LOCK, 'alerting_migrations', MIGRATIONS);
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async docs<T>(sql: string, args: unknown[]): Promise<T[]> {
    return (await this.pool.query<{ doc: T }>(sql, args)).rows.map((r) => r.doc);
  }

  // --- alerts -----------------------------------------------------------------------------
  async getAlert(id: string): Promise<Alert | null> {
    return (await this.docs<Alert>('SELECT doc FROM alerts WHERE id = $1', [id]))[0] ?? null;
  }
  async openByFingerprint(fp: string): Promise<Alert | null> {
    return (await this.docs<Alert>("SELECT doc FROM alerts WHERE fingerprint = $1 AND status != 'resolved' ORDER BY starts_at DESC LIMIT 1", [fp]))[0] ?? null;
  }
  async listAlerts(q: { status?: AlertStatus[]; since?: number; limit: number }): Promise<Alert[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.status) where.push(`status = ANY($${args.push(q.status)})`);
    if (q.since !== undefined) where.push(`updated_at >= $${args.push(q.since)}`);
    const sql = `SELECT doc FROM alerts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY starts_at DESC LIMIT $${args.push(q.limit)}`;
    return this.docs<Alert>(sql, args);
  }
  async saveAlert(a: Alert): Promise<void> {
    await this.pool.query(
      `INSERT INTO alerts (id, fingerprint, status, starts_at, updated_at, doc) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at, doc = EXCLUDED.doc`,
      [a.id, a.fingerprint, a.status, a.startsAt, a.updatedAt, JSON.stringify(a)],
    );
  }
  async appendTimeline(entries: TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // one statement, sequence numbers taken in the order given
    await this.pool.query(
      `INSERT INTO alert_timeline (alert_id, at, kind, detail)
       SELECT a, t, k, d::jsonb FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS u(a, t, k, d, n) ORDER BY n`,
      [entries.map((e) => e.alertId), entries.map((e) => e.at), entries.map((e) => e.kind), entries.map((e) => JSON.stringify(e.detail))],
    );
  }
  async timeline(alertId: string): Promise<TimelineEntry[]> {
    const { rows } = await this.pool.query<{ alert_id: string; at: number; kind: TimelineEntry['kind']; detail: Record<string, unknown> }>(
      'SELECT alert_id, at, kind, detail FROM alert_timeline WHERE alert_id = $1 ORDER BY seq',
      [alertId],
    );
    return rows.map((r) => ({ alertId: r.alert_id, at: r.at, kind: r.kind, detail: r.detail }));
  }
  async getRuleState(key: string): Promise<RuleState | null> {
    return (await this.docs<RuleState>('SELECT doc FROM alert_rule_states WHERE key = $1', [key]))[0] ?? null;
  }
  async saveRuleState(s: RuleState): Promise<void> {
    await this.pool.query('INSERT INTO alert_rule_states (key, doc) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc', [s.key, JSON.stringify(s)]);
  }
  async saveSilence(s: Silence): Promise<void> {
    await this.pool.query(
      'INSERT INTO alert_silences (id, ends_at, doc) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET ends_at = EXCLUDED.ends_at, doc = EXCLUDED.doc',
      [s.id, s.endsAt, JSON.stringify(s)],
    );
  }
  async listSilences(): Promise<Silence[]> {
    return this.docs<Silence>('SELECT doc FROM alert_silences ORDER BY ends_at DESC', []);
  }

  // --- outbox -----------------------------------------------------------------------------
  async enqueue(rows: OutboxRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const res = await this.pool.query(
      `INSERT INTO alert_outbox (id, alert_id, status, not_before, lease_until, created_at, doc)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::jsonb[])
       ON CONFLICT (id) DO NOTHING`,
      [
        rows.map((r) => r.id), rows.map((r) => r.alertId), rows.map((r) => r.status), rows.map((r) => r.notBefore),
        rows.map((r) => r.leaseUntil), rows.map((r) => r.createdAt), rows.map((r) => JSON.stringify(r)),
      ],
    );
    return res.rowCount ?? 0;
  }
  async claimDue(now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    return inTransaction(this.pool, async (c) => {
      // rows another dispatcher holds are skipped, not waited for; its lease keeps them once committed
      const taken = await c.query<{ doc: OutboxRow }>(
        `SELECT doc FROM alert_outbox WHERE (status = 'pending' AND not_before <= $1) OR (status = 'sending' AND lease_until <= $1)
         ORDER BY not_before, created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      const rows = taken.rows.map((r) => r.doc);
      if (rows.length === 0) return rows;
      for (const r of rows) {
        r.status = 'sending';
        r.leaseUntil = now + leaseMs;
        r.attempts += 1;
        r.updatedAt = now;
      }
      await c.query(
        `UPDATE alert_outbox o SET status = 'sending', lease_until = $1, doc = u.doc FROM unnest($2::text[], $3::jsonb[]) AS u(id, doc) WHERE o.id = u.id`,
        [now + leaseMs, rows.map((r) => r.id), rows.map((r) => JSON.stringify(r))],
      );
      return rows;
    });
  }
  async update(r: OutboxRow): Promise<boolean> {
    // fenced by the claim count: a write from a claim that has since been superseded changes nothing
    const res = await this.pool.query(
      "UPDATE alert_outbox SET status = $1, not_before = $2, lease_until = $3, doc = $4 WHERE id = $5 AND (doc->>'attempts')::int = $6",
      [r.status, r.notBefore, r.leaseUntil, JSON.stringify(r), r.id, r.attempts],
    );
    return res.rowCount === 1;
  }
  async byAlert(alertId: string): Promise<OutboxRow[]> {
    return this.docs<OutboxRow>('SELECT doc FROM alert_outbox WHERE alert_id = $1 ORDER BY created_at, id', [alertId]);
  }
  async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM alert_outbox WHERE status IN ('pending', 'sending')");
    return rows[0]?.n ?? 0;
  }
  async nextDue(): Promise<number | null> {
    const { rows } = await this.pool.query<{ t: number | null }>(
      "SELECT MIN(CASE WHEN status = 'pending' THEN not_before ELSE lease_until END) AS t FROM alert_outbox WHERE status IN ('pending', 'sending')",
    );
    return rows[0]?.t ?? null;
  }

  // --- budget ledger ----------------------------------------------------------------------
  async window(key: string, since: number): Promise<{ count: number; earliest?: number }> {
    const { rows } = await this.pool.query<{ n: number; first: number | null }>('SELECT COUNT(*)::int AS n, MIN(at) AS first FROM notify_budget WHERE key = $1 AND at >= $2', [key, since]);
    const r = rows[0] ?? { n: 0, first: null };
    return r.first === null ? { count: r.n } : { count: r.n, earliest: r.first };
  }
  async record(key: string, at: number): Promise<void> {
    // one row per entry: concurrent senders append, nothing is read-modified-written
    await this.pool.query('INSERT INTO notify_budget (key, at) VALUES ($1, $2)', [key, at]);
    await this.pruneNow(at);
  }
  async admit(key: string, since: number, limit: number, at: number): Promise<boolean> {
    // admissions of one key queue on a transaction-scoped advisory lock (the two-key space does not
    // meet the migration locks); under READ COMMITTED each statement after it sees the previous
    // holder's committed entry, so the count is exact
    const ok = await inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BUDGET_LOCK_CLASS, `${this.schema}:${key}`]);
      const res = await c.query(
        'INSERT INTO notify_budget (key, at) SELECT $1::text, $2::bigint WHERE (SELECT COUNT(*) FROM notify_budget WHERE key = $1 AND at >= $3) < $4',
        [key, at, since, limit],
      );
      return res.rowCount === 1;
    });
    if (ok) await this.pruneNow(at);
    return ok;
  }
  async release(key: string, at: number): Promise<void> {
    await this.pool.query('DELETE FROM notify_budget WHERE ctid = (SELECT ctid FROM notify_budget WHERE key = $1 AND at = $2 LIMIT 1)', [key, at]);
  }
  async prune(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM notify_budget WHERE at < $1', [before])).rowCount ?? 0;
  }
  /** drops entries past every budget window, at most once per LEDGER_PRUNE_EVERY_MS of ledger time */
  private async pruneNow(at: number): Promise<void> {
    if (at - this.prunedAt < LEDGER_PRUNE_EVERY_MS) return;
    this.prunedAt = at;
    await this.prune(at - LEDGER_KEEP_MS);
  }

  /** Drops the schema (tests). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }
}
