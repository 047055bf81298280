/**
 * The PostgreSQL implementation of the Store port (node-postgres), for when one machine is
 * outgrown. Same tables and semantics as SQLite: the contract suite runs on both.
 */
import type pg from 'pg';
import type {
  BatchWrite, Category, CommitResult, EntityOp, EventQuery, KeyRecord, PruneResult,
  RiskStats, RollupQuery, SosRecord, Store, StoredBatch, StoredEvent,
} from '../store.js';
import type { RollupRow } from '../../metrics/agg.js';
import { mergeAgg } from '../../metrics/agg.js';
import { collectEvents, finite, toBatch, toKey, toRollup, toSos, type BatchRow, type FoundEvent, type KeyDbRow, type RollupDbRow, type SosDbRow } from '../rows.js';
import { PG_MIGRATIONS } from './migrations.js';
import { inTransaction, schemaPool } from './pool.js';

const CATEGORIES: Category[] = ['business', 'system', 'security', 'exception'];

export class PgStore implements Store {
  readonly engine = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(url: string, private readonly schema = 'mgops') {
    this.pool = schemaPool(url, schema, 8);
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, fn);
  }

  async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7301)');
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const { rows } = await c.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
      const current = rows[0]?.v ?? 0;
      for (const m of PG_MIGRATIONS) {
        if (m.version <= current) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async commit(batches: BatchWrite[]): Promise<CommitResult[]> {
    return this.tx(async (c) => {
      const out: CommitResult[] = [];
      for (const b of batches) out.push(await this.commitOne(c, b));
      return out;
    });
  }

  private async commitOne(c: pg.PoolClient, b: BatchWrite): Promise<CommitResult> {
    const { rows } = await c.query<{ ts: number; h: number }>(
      'INSERT INTO event_ids (ts, h) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING RETURNING ts, h',
      [b.dedup.map((d) => d.ts), b.dedup.map((d) => d.h)],
    );
    const inserted = new Set(rows.map((r) => `${r.ts}|${r.h}`));
    const fresh = b.dedup.map((d) => {
      const k = `${d.ts}|${d.h}`;
      return inserted.delete(k); // the first occurrence of a key in the batch is the new one
    });
    const byCat = new Map<Category, StoredEvent[]>();
    b.events.forEach((e, i) => {
      if (!fresh[i]) return;
      const cat = b.category[i]!;
      byCat.set(cat, [...(byCat.get(cat) ?? []), e]);
    });
    let seq = 0;
    const meta = JSON.stringify({ release: b.release, sdk: b.sdk, ctx: b.ctx });
    for (const [cat, evs] of byCat) {
      const r = await c.query<{ seq: number }>(
        'INSERT INTO batches (received_at, category, app, env, meta, events, n) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq',
        [b.receivedAt, cat, b.app, b.env, meta, JSON.stringify(evs), evs.length],
      );
      seq = r.rows[0]!.seq;
    }
    for (const op of b.ops) if (fresh[op.i]) await this.applyOp(c, op);
    return { seq, fresh };
  }

  private async applyOp(c: pg.PoolClient, op: EntityOp): Promise<void> {
    switch (op.kind) {
      case 'sos': {
        const col = op.action === 'triggered' ? 'triggered_at' : op.action === 'acknowledged' ? 'acknowledged_at' : 'answered_at';
        await c.query(
          `INSERT INTO sos (app, sos_id, ${col}, by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (app, sos_id) DO UPDATE SET ${col} = LEAST(COALESCE(sos.${col}, EXCLUDED.${col}), EXCLUDED.${col}), by = COALESCE(sos.by, EXCLUDED.by)`,
          [op.app, op.sosId, op.t, op.action === 'triggered' ? null : (op.by ?? null)],
        );
        return;
      }
      case 'risk_predicted':
        await c.query(
          'INSERT INTO risk_predictions (app, prediction_id, level, model, t) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (app, prediction_id) DO UPDATE SET level = EXCLUDED.level, model = EXCLUDED.model, t = EXCLUDED.t',
          [op.app, op.predictionId, op.level, op.model ?? null, op.t],
        );
        return;
      case 'risk_labelled':
        await c.query(
          'INSERT INTO risk_labels (app, prediction_id, level, t) VALUES ($1, $2, $3, $4) ON CONFLICT (app, prediction_id) DO UPDATE SET level = EXCLUDED.level, t = EXCLUDED.t',
          [op.app, op.predictionId, op.level, op.t],
        );
        return;
      case 'user_active':
        await c.query('INSERT INTO users (app, uid, first_day) VALUES ($1, $2, $3) ON CONFLICT (app, uid) DO UPDATE SET first_day = LEAST(users.first_day, EXCLUDED.first_day)', [op.app, op.uid, op.day]);
        await c.query('INSERT INTO user_days (app, uid, day) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [op.app, op.uid, op.day]);
        return;
    }
  }

  async batchesAfter(seq: number, limit: number): Promise<StoredBatch[]> {
    const { rows } = await this.pool.query<BatchRow>('SELECT * FROM batches WHERE seq > $1 ORDER BY seq LIMIT $2', [seq, limit]);
    return rows.map((r) => toBatch(r));
  }

  async findEvents(q: EventQuery) {
    const cats = q.categories && q.categories.length > 0 ? q.categories : CATEGORIES;
    const types = q.types && q.types.length > 0 ? new Set(q.types) : null;
    const out: FoundEvent[] = [];
    // newest first, a page of batches at a time: a long scan (a funnel report) never holds more
    // than one page of rows
    let left = q.maxBatches ?? 5000;
    let before = Number.MAX_SAFE_INTEGER;
    while (left > 0) {
      const page = Math.min(left, 5000);
      const args: unknown[] = [cats, q.from, before, page];
      if (q.app) args.push(q.app);
      const { rows } = await this.pool.query<BatchRow>(
        `SELECT * FROM batches WHERE category = ANY($1) AND received_at >= $2 AND seq < $3 ${q.app ? 'AND app = $5' : ''} ORDER BY seq DESC LIMIT $4`,
        args,
      );
      for (const row of rows) {
        if (!collectEvents(row, q, types, out)) return out;
      }
      if (rows.length < page) break;
      left -= rows.length;
      before = Number(rows[rows.length - 1]!.seq);
    }
    return out;
  }

  async rollupWatermark(): Promise<number> {
    return Number((await this.getKv('rollup_watermark')) ?? 0);
  }

  async writeRollups(rows: RollupRow[], watermark: number): Promise<void> {
    await this.tx(async (c) => {
      for (const r of rows) {
        const old = await c.query<RollupDbRow>('SELECT * FROM rollups WHERE series = $1 AND dim = $2 AND minute = $3 AND val = $4 FOR UPDATE', [r.series, r.dim, r.minute, r.val]);
        const agg = old.rows[0] ? toRollup(old.rows[0]) : { ...r, n: 0, bad: 0, sum: 0, min: Infinity, max: -Infinity, sketch: null };
        mergeAgg(agg, r);
        await c.query(
          `INSERT INTO rollups (series, dim, minute, val, n, bad, sum, min, max, sketch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (series, dim, minute, val) DO UPDATE SET n = EXCLUDED.n, bad = EXCLUDED.bad, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, sketch = EXCLUDED.sketch`,
          [r.series, r.dim, r.minute, r.val, agg.n, agg.bad, agg.sum, finite(agg.min), finite(agg.max), agg.sketch ? agg.sketch.serialize() : null],
        );
      }
      await c.query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', ['rollup_watermark', String(watermark)]);
    });
  }

  async readRollups(q: RollupQuery): Promise<RollupRow[]> {
    if (q.series.length === 0) return [];
    const { rows } = await this.pool.query<RollupDbRow>('SELECT * FROM rollups WHERE series = ANY($1) AND dim = $2 AND minute >= $3 AND minute < $4', [q.series, q.dim, q.from, q.to]);
    return rows.map(toRollup);
  }

  async openSos(): Promise<SosRecord[]> {
    return (await this.pool.query<SosDbRow>('SELECT * FROM sos WHERE answered_at IS NULL AND triggered_at IS NOT NULL ORDER BY triggered_at')).rows.map(toSos);
  }

  async sosAnsweredBetween(from: number, to: number): Promise<SosRecord[]> {
    return (await this.pool.query<SosDbRow>('SELECT * FROM sos WHERE answered_at >= $1 AND answered_at < $2 AND triggered_at IS NOT NULL', [from, to])).rows.map(toSos);
  }

  async getSos(app: string, sosId: string): Promise<SosRecord | null> {
    const r = (await this.pool.query<SosDbRow>('SELECT * FROM sos WHERE app = $1 AND sos_id = $2', [app, sosId])).rows[0];
    return r ? toSos(r) : null;
  }

  async riskStats(since: number): Promise<RiskStats> {
    const { rows } = await this.pool.query<{ model: string; labelled: number; matched: number; high_labelled: number; high_caught: number }>(
      `SELECT COALESCE(p.model, '') AS model, COUNT(*)::int AS labelled, COUNT(*) FILTER (WHERE p.level = l.level)::int AS matched,
              COUNT(*) FILTER (WHERE l.level = 'high')::int AS high_labelled, COUNT(*) FILTER (WHERE l.level = 'high' AND p.level = 'high')::int AS high_caught
       FROM risk_labels l JOIN risk_predictions p ON p.app = l.app AND p.prediction_id = l.prediction_id WHERE l.t >= $1 GROUP BY 1`,
      [since],
    );
    const sum = (k: 'labelled' | 'matched' | 'high_labelled' | 'high_caught') => rows.reduce((a, r) => a + r[k], 0);
    return {
      labelled: sum('labelled'), matched: sum('matched'), highLabelled: sum('high_labelled'), highCaught: sum('high_caught'),
      byModel: rows.map((r) => ({ model: r.model, labelled: r.labelled, matched: r.matched })),
    };
  }

  async retention(cohortDay: number, k: number): Promise<{ cohort: number; retained: number }> {
    const { rows } = await this.pool.query<{ cohort: number; retained: number }>(
      `SELECT COUNT(*)::int AS cohort, COUNT(d.uid)::int AS retained FROM users u
       LEFT JOIN user_days d ON d.app = u.app AND d.uid = u.uid AND d.day = $1 WHERE u.first_day = $2`,
      [cohortDay + k, cohortDay],
    );
    return rows[0] ?? { cohort: 0, retained: 0 };
  }

  async insertKey(k: KeyRecord): Promise<void> {
    await this.pool.query('INSERT INTO ingest_keys (id, app, hash, prefix, created_at, revoked_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7)', [k.id, k.app, k.hash, k.prefix, k.createdAt, k.revokedAt, k.note]);
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | null> {
    const r = (await this.pool.query<KeyDbRow>('SELECT * FROM ingest_keys WHERE hash = $1', [hash])).rows[0];
    return r ? toKey(r) : null;
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (await this.pool.query<KeyDbRow>('SELECT * FROM ingest_keys ORDER BY created_at')).rows.map(toKey);
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    return ((await this.pool.query('UPDATE ingest_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount ?? 0) > 0;
  }

  async getKv(key: string): Promise<string | null> {
    return (await this.pool.query<{ value: string }>('SELECT value FROM kv WHERE key = $1', [key])).rows[0]?.value ?? null;
  }

  async setKv(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, value]);
  }

  async prune(before: Record<Category, number>, dedupBefore: number, rollupsBefore: number): Promise<PruneResult> {
    return this.tx(async (c) => {
      let batches = 0;
      for (const [cat, t] of Object.entries(before)) batches += (await c.query('DELETE FROM batches WHERE category = $1 AND received_at < $2', [cat, t])).rowCount ?? 0;
      const dedup = (await c.query('DELETE FROM event_ids WHERE ts < $1', [dedupBefore])).rowCount ?? 0;
      const rollups = (await c.query('DELETE FROM rollups WHERE minute < $1', [rollupsBefore])).rowCount ?? 0;
      return { batches, dedup, rollups };
    });
  }

  async sizeBytes(): Promise<number> {
    const { rows } = await this.pool.query<{ size: number }>(
      "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint AS size FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
      [this.schema],
    );
    return rows[0]?.size ?? 0;
  }

  /** Drops the schema (tests). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }
}
