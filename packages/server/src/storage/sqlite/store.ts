/**
 * The SQLite implementation of the Store port (better-sqlite3, WAL). Writes are in writes.ts;
 * WAL checkpoints run on their own thread (checkpointer.ts). A writer thread for commits was
 * measured too: on this 2-core machine the hand-off cost more than it saved (docs/benchmarks.md).
 */
import { statSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import type {
  BatchWrite, Category, CommitResult, EntityOp, EventQuery, KeyRecord, PruneResult, RiskStats,
  RollupQuery, SosRecord, Store, StoredBatch, StoredEvent,
} from '../store.js';
import type { RollupRow } from '../../metrics/agg.js';
import { openDb, migrate, type Db } from './db.js';
import { Checkpointer } from './checkpointer.js';
import { SqliteWrites } from './writes.js';
import { collectEvents, toBatch, toKey, toRollup, toSos, toWireRollup, type BatchRow, type FoundEvent, type KeyDbRow, type RollupDbRow, type SosDbRow, type WireBatch } from './rows.js';

/**
 * Prepares a batch for the writes: the events of each category as one JSON string, dedup keys
 * in a typed array, and only the entity ops that may change something (a user already recorded
 * as active today is not written again).
 */
function toWire(b: BatchWrite, userDaysDone: Set<string>): WireBatch {
  const dedup = new Float64Array(2 * b.dedup.length);
  for (let i = 0; i < b.dedup.length; i++) {
    dedup[2 * i] = b.dedup[i]!.ts;
    dedup[2 * i + 1] = b.dedup[i]!.h;
  }
  const byCat = new Map<Category, { events: StoredEvent[]; idx: number[] }>();
  b.events.forEach((e, i) => {
    const cat = b.category[i]!;
    let g = byCat.get(cat);
    if (!g) byCat.set(cat, (g = { events: [], idx: [] }));
    g.events.push(e);
    g.idx.push(i);
  });
  return {
    app: b.app,
    env: b.env,
    meta: JSON.stringify({ release: b.release, sdk: b.sdk, ctx: b.ctx }),
    receivedAt: b.receivedAt,
    count: b.events.length,
    groups: [...byCat].map(([category, g]) => ({ category, json: JSON.stringify(g.events), idx: g.idx })),
    dedup,
    ops: b.ops.filter((op) => op.kind !== 'user_active' || !userDaysDone.has(userDayKey(op))),
  };
}

const userDayKey = (op: Extract<EntityOp, { kind: 'user_active' }>) => `${op.day}|${op.app}|${op.uid}`;

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  private readonly db: Db;
  private readonly s: Record<string, Statement>;
  private readonly checkpointer: Checkpointer;
  private readonly writes: SqliteWrites;
  private readonly userDaysDone = new Set<string>();

  constructor(private readonly file: string) {
    this.db = openDb(file);
    migrate(this.db);
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = new Checkpointer(file);
    this.writes = new SqliteWrites(this.db);
    this.s = { getKv: this.db.prepare('SELECT value FROM kv WHERE key = ?') };
  }

  async migrate(): Promise<void> {
    migrate(this.db);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.checkpointer.close();
    this.db.close();
  }

  async commit(batches: BatchWrite[]): Promise<CommitResult[]> {
    const results = this.writes.commit(batches.map((b) => toWire(b, this.userDaysDone)));
    // remember the user-days now committed (only after the commit, so a failure loses nothing)
    batches.forEach((b, k) => {
      for (const op of b.ops) {
        if (op.kind === 'user_active' && results[k]!.fresh[op.i]) {
          if (this.userDaysDone.size >= 200_000) this.userDaysDone.clear();
          this.userDaysDone.add(userDayKey(op));
        }
      }
    });
    return results;
  }

  async batchesAfter(seq: number, limit: number): Promise<StoredBatch[]> {
    const rows = this.db.prepare('SELECT * FROM batches WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as BatchRow[];
    return rows.map((r) => toBatch(r));
  }

  async findEvents(q: EventQuery) {
    const cats = q.categories && q.categories.length > 0 ? q.categories : (['business', 'system', 'security', 'exception'] as Category[]);
    const types = q.types && q.types.length > 0 ? new Set(q.types) : null;
    const out: FoundEvent[] = [];
    // newest first by rowid; received_at grows with seq, so the scan stops at the window start.
    // Filtering on the leading columns never loads the events blob of rows it skips.
    const stmt = this.db.prepare(
      `SELECT * FROM batches NOT INDEXED WHERE category IN (${cats.map(() => '?').join(',')}) ${q.app ? 'AND app = ?' : ''} ORDER BY seq DESC`,
    );
    const args: string[] = [...cats];
    if (q.app) args.push(q.app);
    let scanned = 0;
    for (const row of stmt.iterate(...args) as IterableIterator<BatchRow>) {
      if (row.received_at < q.from || ++scanned > (q.maxBatches ?? 20_000)) break;
      if (!collectEvents(row, q, types, out)) return out;
    }
    return out;
  }

  async rollupWatermark(): Promise<number> {
    return Number((await this.getKv('rollup_watermark')) ?? 0);
  }

  async writeRollups(rows: RollupRow[], watermark: number): Promise<void> {
    this.writes.writeRollups(rows.map(toWireRollup), watermark);
  }

  async readRollups(q: RollupQuery): Promise<RollupRow[]> {
    if (q.series.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM rollups WHERE series IN (${q.series.map(() => '?').join(',')}) AND dim = ? AND minute >= ? AND minute < ?`)
      .all(...q.series, q.dim, q.from, q.to) as RollupDbRow[];
    return rows.map(toRollup);
  }

  async openSos(): Promise<SosRecord[]> {
    return (this.db.prepare('SELECT * FROM sos WHERE answered_at IS NULL AND triggered_at IS NOT NULL ORDER BY triggered_at').all() as SosDbRow[]).map(toSos);
  }

  async sosAnsweredBetween(from: number, to: number): Promise<SosRecord[]> {
    return (this.db.prepare('SELECT * FROM sos WHERE answered_at >= ? AND answered_at < ? AND triggered_at IS NOT NULL').all(from, to) as SosDbRow[]).map(toSos);
  }

  async getSos(app: string, sosId: string): Promise<SosRecord | null> {
    const r = this.db.prepare('SELECT * FROM sos WHERE app = ? AND sos_id = ?').get(app, sosId) as SosDbRow | undefined;
    return r ? toSos(r) : null;
  }

  async riskStats(since: number): Promise<RiskStats> {
    const rows = this.db
      .prepare(`SELECT p.level AS p, l.level AS l, COALESCE(p.model, '') AS model FROM risk_labels l
        JOIN risk_predictions p ON p.app = l.app AND p.prediction_id = l.prediction_id WHERE l.t >= ?`)
      .all(since) as { p: string; l: string; model: string }[];
    const byModel = new Map<string, { model: string; labelled: number; matched: number }>();
    const s: RiskStats = { labelled: 0, matched: 0, highLabelled: 0, highCaught: 0, byModel: [] };
    for (const r of rows) {
      s.labelled++;
      if (r.p === r.l) s.matched++;
      if (r.l === 'high') {
        s.highLabelled++;
        if (r.p === 'high') s.highCaught++;
      }
      const m = byModel.get(r.model) ?? { model: r.model, labelled: 0, matched: 0 };
      m.labelled++;
      if (r.p === r.l) m.matched++;
      byModel.set(r.model, m);
    }
    s.byModel = [...byModel.values()];
    return s;
  }

  async retention(cohortDay: number, k: number): Promise<{ cohort: number; retained: number }> {
    const r = this.db
      .prepare(`SELECT COUNT(*) AS cohort, COUNT(d.uid) AS retained FROM users u
        LEFT JOIN user_days d ON d.app = u.app AND d.uid = u.uid AND d.day = ? WHERE u.first_day = ?`)
      .get(cohortDay + k, cohortDay) as { cohort: number; retained: number };
    return r;
  }

  async insertKey(k: KeyRecord): Promise<void> {
    this.writes.insertKey(k);
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | null> {
    const r = this.db.prepare('SELECT * FROM ingest_keys WHERE hash = ?').get(hash) as KeyDbRow | undefined;
    return r ? toKey(r) : null;
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (this.db.prepare('SELECT * FROM ingest_keys ORDER BY created_at').all() as KeyDbRow[]).map(toKey);
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    return this.writes.revokeKey(id, at);
  }

  async getKv(key: string): Promise<string | null> {
    const r = this.s.getKv!.get(key) as { value: string } | undefined;
    return r ? r.value : null;
  }

  async setKv(key: string, value: string): Promise<void> {
    this.writes.setKv(key, value);
  }

  async prune(before: Record<Category, number>, dedupBefore: number, rollupsBefore: number): Promise<PruneResult> {
    return this.writes.prune(before, dedupBefore, rollupsBefore);
  }

  async sizeBytes(): Promise<number> {
    let size = 0;
    for (const f of [this.file, `${this.file}-wal`]) {
      try {
        size += statSync(f).size;
      } catch {
        // no WAL file yet
      }
    }
    return size;
  }
}
