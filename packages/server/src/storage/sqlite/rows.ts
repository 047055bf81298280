/** Compact shapes handed to the SQLite writes (one JSON string per category, typed dedup keys). */
import type { Category, EntityOp } from '../store.js';
import type { RollupRow } from '../../metrics/agg.js';
import type { RollupDbRow } from '../rows.js';
export { collectEvents, finite, toBatch, toKey, toRollup, toSos, type BatchRow, type FoundEvent, type KeyDbRow, type RollupDbRow, type SosDbRow } from '../rows.js';

/** A batch ready for the writes: each category's events as one JSON string, dedup keys flattened. */
export type WireBatch = {
  app: string;
  env: string;
  meta: string;
  receivedAt: number;
  count: number;
  /** the events of each category as one JSON array, with the batch index of each element */
  groups: { category: Category; json: string; idx: number[] }[];
  /** ts0, h0, ts1, h1, … */
  dedup: Float64Array;
  ops: EntityOp[];
};

/** A rollup row with its sketch serialised. */
export type WireRollup = Omit<RollupDbRow, 'min' | 'max'> & { min: number; max: number };

export const toWireRollup = (r: RollupRow): WireRollup => ({
  series: r.series, dim: r.dim, minute: r.minute, val: r.val, n: r.n, bad: r.bad, sum: r.sum, min: r.min, max: r.max,
  sketch: r.sketch ? r.sketch.serialize() : null,
});
