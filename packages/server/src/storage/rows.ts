/** Row shapes of the store's tables (the same in SQLite and PostgreSQL) and their conversions. */
import type { BatchMeta, Category, EventQuery, KeyRecord, SosRecord, Store, StoredBatch, StoredEvent } from './store.js';
import type { RollupRow } from '../metrics/agg.js';
import { Sketch } from '../metrics/sketch.js';

export type BatchRow = { seq: number; received_at: number; category: Category; app: string; env: string; meta: string; events: string };
export type RollupDbRow = { series: string; dim: string; minute: number; val: string; n: number; bad: number; sum: number; min: number | null; max: number | null; sketch: string | null };
export type SosDbRow = { app: string; sos_id: string; triggered_at: number; acknowledged_at: number | null; answered_at: number | null; by: string | null };
export type KeyDbRow = { id: string; app: string; hash: string; prefix: string; created_at: number; revoked_at: number | null; note: string | null };

export const toSos = (r: SosDbRow): SosRecord => ({
  app: r.app, sosId: r.sos_id, triggeredAt: r.triggered_at, acknowledgedAt: r.acknowledged_at, answeredAt: r.answered_at, by: r.by,
});
export const toKey = (r: KeyDbRow): KeyRecord => ({
  id: r.id, app: r.app, hash: r.hash, prefix: r.prefix, createdAt: r.created_at, revokedAt: r.revoked_at, note: r.note,
});
export const toRollup = (r: RollupDbRow): RollupRow => ({
  series: r.series, dim: r.dim, minute: r.minute, val: r.val, n: r.n, bad: r.bad, sum: r.sum,
  min: r.min ?? Infinity, max: r.max ?? -Infinity, sketch: r.sketch ? Sketch.parse(r.sketch) : null,
});
export const finite = (x: number) => (Number.isFinite(x) ? x : null);


export function toBatch(r: BatchRow): StoredBatch {
  const meta = JSON.parse(r.meta) as Pick<BatchMeta, 'release' | 'sdk' | 'ctx'>;
  return { seq: r.seq, receivedAt: r.received_at, category: r.category, app: r.app, env: r.env, ...meta, events: JSON.parse(r.events) as StoredEvent[] };
}

export type FoundEvent = Awaited<ReturnType<Store['findEvents']>>[number];

/**
 * Adds the events of a batch row (newest first) that match the query; false once `limit` is
 * reached. Shared by every backend's findEvents.
 */
export function collectEvents(row: BatchRow, q: EventQuery, types: Set<string> | null, out: FoundEvent[]): boolean {
  const b = toBatch(row);
  for (let i = b.events.length - 1; i >= 0; i--) {
    const e = b.events[i]!;
    if (e.t < q.from || e.t > q.to || (types && !types.has(e.type)) || (q.failedOnly && (e as { ok?: unknown }).ok !== false)) continue;
    out.push({ ...e, app: b.app, env: b.env, release: b.release, ctx: b.ctx });
    if (out.length >= q.limit) return false;
  }
  return true;
}
