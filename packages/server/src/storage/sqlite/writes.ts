/** Every write of the SQLite store: group commits with dedup, entity ops, rollup merges, keys. */
import type { Statement } from 'better-sqlite3';
import type { Category, CommitResult, EntityOp, KeyRecord, PruneResult } from '../store.js';
import { mergeAgg } from '../../metrics/agg.js';
import { Sketch } from '../../metrics/sketch.js';
import type { Db } from './db.js';
import { finite, toRollup, type RollupDbRow, type WireBatch, type WireRollup } from './rows.js';

export class SqliteWrites {
  private readonly s: Record<string, Statement>;
  private readonly idStmts = new Map<number, Statement>();
  /** user-days already written: the op is idempotent, so repeats within a day are skipped */
  private readonly userDays = new Set<string>();
  private readonly commitTx: (batches: WireBatch[]) => CommitResult[];
  private readonly rollupTx: (rows: WireRollup[], watermark: number) => void;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
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
      insKey: p('INSERT INTO ingest_keys (id, app, hash, prefix, created_at, revoked_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      revokeKey: p('UPDATE ingest_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    };
    const tx = db.transaction((batches: WireBatch[]) => batches.map((b) => this.commitOne(b)));
    this.commitTx = (batches) => {
      try {
        return tx(batches);
      } catch (e) {
        this.userDays.clear(); // the rolled-back transaction may have added entries
        throw e;
      }
    };
    this.rollupTx = db.transaction((rows: WireRollup[], watermark: number) => {
      for (const r of rows) {
        const old = this.s.getRollup!.get(r.series, r.dim, r.minute, r.val) as RollupDbRow | undefined;
        const add = { ...r, sketch: r.sketch ? Sketch.parse(r.sketch) : null };
        const agg = old ? toRollup(old) : { ...add, n: 0, bad: 0, sum: 0, min: Infinity, max: -Infinity, sketch: null };
        mergeAgg(agg, add);
        this.s.putRollup!.run(r.series, r.dim, r.minute, r.val, agg.n, agg.bad, agg.sum, finite(agg.min), finite(agg.max), agg.sketch ? agg.sketch.serialize() : null);
      }
      this.s.setKv!.run('rollup_watermark', String(watermark));
    });
  }

  /** One multi-row INSERT … RETURNING per chunk: the rows it returns are the new events. */
  private insertIds(dedup: Float64Array): boolean[] {
    const count = dedup.length / 2;
    const fresh: boolean[] = new Array<boolean>(count).fill(false);
    for (let start = 0; start < count; start += 500) {
      const n = Math.min(500, count - start);
      let stmt = this.idStmts.get(n);
      if (!stmt) {
        stmt = this.db.prepare(`INSERT INTO event_ids (ts, h) VALUES ${'(?, ?),'.repeat(n).slice(0, -1)} ON CONFLICT DO NOTHING RETURNING ts, h`);
        this.idStmts.set(n, stmt);
      }
      const args = Array.from(dedup.subarray(2 * start, 2 * (start + n)));
      const where = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const k = `${args[2 * i]}|${args[2 * i + 1]}`;
        if (!where.has(k)) where.set(k, start + i);
      }
      for (const r of stmt.all(...args) as { ts: number; h: number }[]) {
        const i = where.get(`${r.ts}|${r.h}`);
        if (i !== undefined) fresh[i] = true;
      }
    }
    return fresh;
  }

  private commitOne(b: WireBatch): CommitResult {
    const fresh = this.insertIds(b.dedup);
    let seq = 0;
    for (const g of b.groups) {
      const keep = g.idx.filter((i) => fresh[i]).length;
      if (keep === 0) continue;
      // usually every event is new and the JSON is written as it came; else drop the duplicates
      const json = keep === g.idx.length ? g.json : JSON.stringify((JSON.parse(g.json) as unknown[]).filter((_, k) => fresh[g.idx[k]!]));
      const r = this.s.insBatch!.run(b.receivedAt, g.category, b.app, b.env, b.meta, json, keep);
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

  commit(batches: WireBatch[]): CommitResult[] {
    return this.commitTx(batches);
  }

  writeRollups(rows: WireRollup[], watermark: number): void {
    this.rollupTx(rows, watermark);
  }

  insertKey(k: KeyRecord): void {
    this.s.insKey!.run(k.id, k.app, k.hash, k.prefix, k.createdAt, k.revokedAt, k.note);
  }

  revokeKey(id: string, at: number): boolean {
    return this.s.revokeKey!.run(at, id).changes > 0;
  }

  setKv(key: string, value: string): void {
    this.s.setKv!.run(key, value);
  }

  prune(before: Record<Category, number>, dedupBefore: number, rollupsBefore: number): PruneResult {
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
}

