/** The SQLite implementation of the Store port (better-sqlite3, WAL). */
import { statSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import type {
  BatchWrite, Category, CommitResult, EntityOp, EventQuery, KeyRecord, PruneResult, RiskStats,
  RollupQuery, SosRecord, Store, StoredBatch, StoredEvent, BatchMeta,
} from '../store.js';
import type { RollupRow } from '../../metrics/agg.js';
import { mergeAgg } from '../../metrics/agg.js';
import { Sketch } from '../../metrics/sketch.js';
import { openDb, migrate, type Db } from './db.js';
import { Checkpointer } from './checkpointer.js';

type BatchRow = { seq: number; received_at: number; category: Category; app: string; env: string; meta: string; events: string };
type RollupDbRow = { series: string; dim: string; minute: number; val: string; n: number; bad: number; sum: number; min: number | null; max: number | null; sketch: string | null };
type SosDbRow = { app: string; sos_id: string; triggered_at: number; acknowledged_at: number | null; answered_at: number | null; by: string | null };
type KeyDbRow = { id: string; app: string; hash: string; prefix: string; created_at: number; revoked_at: number | null; note: string | null };

const toSos = (r: SosDbRow): SosRecord => ({
  app: r.app, sosId: r.sos_id, triggeredAt: r.triggered_at, acknowledgedAt: r.acknowledged_at, answeredAt: r.answered_at, by: r.by,
});
const toKey = (r: KeyDbRow): KeyRecord => ({
  id: r.id, app: r.app, hash: r.hash, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at, note: r.note,
});
const toRollup = (r: RollupDbRow): RollupRow => ({
  series: r.series, dim: r.dim, minute: r.minute, val: r.val, n: r.n, bad: r.bad, sum: r.sum,
  min: r.min ?? Infinity, max: r.max ?? -Infinity, sketch: r.sketch ? Sketch.parse(r.sketch) : null,
});
const finite = (x: number) => (Number.isFinite(x) ? x : null);

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  private readonly db: Db;
  private readonly s: Record<string, Statement>;
  private readonly commitTx: (batches: BatchWrite[]) => CommitResult[];
  private readonly idStmts = new Map<number, Statement>();
  /** user-days already written: the op is idempotent, so repeats within a day are skipped */
  private readonly userDays = new Set<string>();
  private readonly rollupTx: (rows: RollupRow[], watermark: number) => void;

  private readonly checkpointer: Checkpointer;

  constructor(private readonly file: string) {
    this.db = openDb(file);
    migrate(this.db);
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer = new Checkpointer(file);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      insBatch: p('INSERT INTO batches (received_at, category, app, env, meta, events, n) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      sosTrig: p(`INSERT INTO sos (app, sos_id, triggered_at) VALUES (?, ?, ?)
        ON CONFLICT (app, sos_id) DO UPDATE SET triggered_at = MIN(COALESCE(triggered_at, excluded.triggered_at), excluded.triggered_at)`),
      sosAck: p(`INSERT INTO sos (app, sos_id, acknowledged_at, by) VALUES (?, ?, ?, ?)
        ON CONFLICT (app, sos_id) DO UPDATE SET acknowledged_at = MIN(COALESCE(acknowledged_at, excluded.acknowledged_at), excluded.acknowledged_at), by = COALESCE(by, excluded.by)`),
      sosAns: p(`INSERT INTO sos (app, sos_id, answered_at, by) VALUES (?, ?, ?, ?)
        ON CONFLICT (app, sos_id) DO UPDATE SET answered_at = MIN(COALESCE(answered_at, excluded.answered_at), excluded.answered_at), by = COALESCE(excluded.by, by)`),
      riskPred: p('INSERT OR REPLACE INTO risk_predictions (app, prediction_id, level, model, t) VALUES (?, ?, ?, ?, ?)'),
      riskLabel: p('INSERT OR REPLACE INTO risk_labels (app, prediction_id, level, t) VALUES (?, ?, ?, ?)'),
      userFirst: p('INSERT INTO users (app, uid, first_day) VALUES (?, ?, ?) ON CONFLICT (app, uid) DO UPDATE SET first_day = MIN(first_day, excluded.first_day)'),
      userDay: p('INSERT OR IGNORE INTO user_days (app, uid, day) VALUES (?, ?, ?)'),
      getRollup: p('SELECT * FROM rollups WHERE series = ? AND dim = ? AND minute = ? AND val = ?'),
      putRollup: p('INSERT OR REPLACE INTO rollups (series, dim, minute, val, n, bad, sum, min, max, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      setKv: p('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)'),
      getKv: p('SELECT value FROM kv WHERE key = ?'),
    };
    const tx = this.db.transaction((batches: BatchWrite[]) => batches.map((b) => this.commitOne(b)));
    this.commitTx = (batches) => {
      try {
        return tx(batches);
      } catch (e) {
        this.userDays.clear(); // the rolled-back transaction may have added entries
        throw e;
      }
    };
    this.rollupTx = this.db.transaction((rows: RollupRow[], watermark: number) => {
      for (const r of rows) {
        const old = this.s.getRollup!.get(r.series, r.dim, r.minute, r.val) as RollupDbRow | undefined;
        const agg = old ? toRollup(old) : { ...r, n: 0, bad: 0, sum: 0, min: Infinity, max: -Infinity, sketch: null };
        mergeAgg(agg, r);
        this.s.putRollup!.run(r.series, r.dim, r.minute, r.val, agg.n, agg.bad, agg.sum, finite(agg.min), finite(agg.max), agg.sketch ? agg.sketch.serialize() : null);
      }
      this.s.setKv!.run('rollup_watermark', String(watermark));
    });
  }

  async migrate(): Promise<void> {
    migrate(this.db);
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    await this.checkpointer.close();
    this.db.close();
  }

  /** One multi-row INSERT … RETURNING per chunk: the rows it returns are the new events. */
  private insertIds(dedup: BatchWrite['dedup']): boolean[] {
    const fresh: boolean[] = new Array<boolean>(dedup.length).fill(false);
    for (let start = 0; start < dedup.length; start += 500) {
      const n = Math.min(500, dedup.length - start);
      let stmt = this.idStmts.get(n);
      if (!stmt) {
        stmt = this.db.prepare(`INSERT INTO event_ids (ts, h) VALUES ${'(?, ?),'.repeat(n).slice(0, -1)} ON CONFLICT DO NOTHING RETURNING ts, h`);
        this.idStmts.set(n, stmt);
      }
      const args: number[] = new Array<number>(2 * n);
      const where = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const d = dedup[start + i]!;
        args[2 * i] = d.ts;
        args[2 * i + 1] = d.h;
        const k = `${d.ts}|${d.h}`;
        if (!where.has(k)) where.set(k, start + i);
      }
      for (const r of stmt.all(...args) as { ts: number; h: number }[]) {
        const i = where.get(`${r.ts}|${r.h}`);
        if (i !== undefined) fresh[i] = true;
      }
    }
    return fresh;
  }

  private commitOne(b: BatchWrite): CommitResult {
    const fresh = this.insertIds(b.dedup);
    const byCat = new Map<Category, StoredEvent[]>();
    for (let i = 0; i < b.events.length; i++) {
      if (!fresh[i]) continue;
      const cat = b.category[i]!;
      let list = byCat.get(cat);
      if (!list) byCat.set(cat, (list = []));
      list.push(b.events[i]!);
    }
    let seq = 0;
    const meta = JSON.stringify({ release: b.release, sdk: b.sdk, ctx: b.ctx });
    for (const [cat, evs] of byCat) {
      const r = this.s.insBatch!.run(b.receivedAt, cat, b.app, b.env, meta, JSON.stringify(evs), evs.length);
      seq = Number(r.lastInsertRowid);
    }
    for (const op of b.ops) if (fresh[op.i]) this.applyOp(op);
    return { seq, fresh };
  }

  private applyOp(op: EntityOp): void {
    switch (op.kind) {
      case 'sos':
        if (op.action === 'triggered') this.s.sosTrig!.run(op.app, op.sosId, op.t);
        else if (op.action === 'acknowledged') this.s.sosAck!.run(op.app, op.sosId, op.t, op.by ?? null);
        else this.s.sosAns!.run(op.app, op.sosId, op.t, op.by ?? null);
        return;
      case 'risk_predicted':
        this.s.riskPred!.run(op.app, op.predictionId, op.level, op.model ?? null, op.t);
        return;
      case 'risk_labelled':
        this.s.riskLabel!.run(op.app, op.predictionId, op.level, op.t);
        return;
      case 'user_active': {
        const k = `${op.day}|${op.app}|${op.uid}`;
        if (this.userDays.has(k)) return;
        this.s.userFirst!.run(op.app, op.uid, op.day);
        this.s.userDay!.run(op.app, op.uid, op.day);
        if (this.userDays.size >= 200_000) this.userDays.clear();
        this.userDays.add(k);
        return;
      }
    }
  }

  async commit(batches: BatchWrite[]): Promise<CommitResult[]> {
    return this.commitTx(batches);
  }

  private toBatch(r: BatchRow): StoredBatch {
    const meta = JSON.parse(r.meta) as Pick<BatchMeta, 'release' | 'sdk' | 'ctx'>;
    return { seq: r.seq, receivedAt: r.received_at, category: r.category, app: r.app, env: r.env, ...meta, events: JSON.parse(r.events) as StoredEvent[] };
  }

  async batchesAfter(seq: number, limit: number): Promise<StoredBatch[]> {
    const rows = this.db.prepare('SELECT * FROM batches WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as BatchRow[];
    return rows.map((r) => this.toBatch(r));
  }

  async findEvents(q: EventQuery) {
    const cats = q.categories && q.categories.length > 0 ? q.categories : (['business', 'system', 'security', 'exception'] as Category[]);
    const types = q.types && q.types.length > 0 ? new Set(q.types) : null;
    const out: Awaited<ReturnType<Store['findEvents']>> = [];
    // newest first by rowid; received_at grows with seq, so the scan stops at the window start.
    // Filtering on the leading columns never loads the events blob of rows it skips.
    const stmt = this.db.prepare(
      `SELECT * FROM batches NOT INDEXED WHERE category IN (${cats.map(() => '?').join(',')}) ${q.app ? 'AND app = ?' : ''} ORDER BY seq DESC`,
    );
    const args: string[] = [...cats];
    if (q.app) args.push(q.app);
    let scanned = 0;
    for (const row of stmt.iterate(...args) as IterableIterator<BatchRow>) {
      if (row.received_at < q.from || ++scanned > 20_000) break;
      const b = this.toBatch(row);
      for (let i = b.events.length - 1; i >= 0; i--) {
        const e = b.events[i]!;
        if (e.t < q.from || e.t > q.to || (types && !types.has(e.type))) continue;
        out.push({ ...e, app: b.app, env: b.env, release: b.release, ctx: b.ctx });
        if (out.length >= q.limit) return out;
      }
    }
    return out;
  }

  async rollupWatermark(): Promise<number> {
    return Number((await this.getKv('rollup_watermark')) ?? 0);
  }

  async writeRollups(rows: RollupRow[], watermark: number): Promise<void> {
    this.rollupTx(rows, watermark);
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
    this.db.prepare('INSERT INTO ingest_keys (id, app, hash, prefix, created_at, revoked_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(k.id, k.app, k.hash, k.prefix, k.createdAt, k.revokedAt, k.note);
  }

  async findKeyByHash(hash: string): Promise<KeyRecord | null> {
    const r = this.db.prepare('SELECT * FROM ingest_keys WHERE hash = ?').get(hash) as KeyDbRow | undefined;
    return r ? toKey(r) : null;
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (this.db.prepare('SELECT * FROM ingest_keys ORDER BY created_at').all() as KeyDbRow[]).map(toKey);
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    return this.db.prepare('UPDATE ingest_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
  }

  async getKv(key: string): Promise<string | null> {
    const r = this.s.getKv!.get(key) as { value: string } | undefined;
    return r ? r.value : null;
  }

  async setKv(key: string, value: string): Promise<void> {
    this.s.setKv!.run(key, value);
  }

  async prune(before: Record<Category, number>, dedupBefore: number, rollupsBefore: number): Promise<PruneResult> {
    return this.db.transaction(() => {
      let batches = 0;
      for (const [cat, t] of Object.entries(before)) {
        batches += this.db.prepare('DELETE FROM batches WHERE category = ? AND received_at < ?').run(cat, t).changes;
      }
      const dedup = this.db.prepare('DELETE FROM event_ids WHERE ts < ?').run(dedupBefore).changes;
      const rollups = this.db.prepare('DELETE FROM rollups WHERE minute < ?').run(rollupsBefore).changes;
      return { batches, dedup, rollups };
    })();
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
