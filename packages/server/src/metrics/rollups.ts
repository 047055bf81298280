/**
 * Rollup access for the metric computations: stored rows merged with the unflushed buffer, and
 * the flush / replay cycle that keeps them exactly-once across restarts.
 */
import type { Store } from '../storage/store.js';
import { mergeAgg, newAgg, type Agg, type RollupRow } from './agg.js';
import type { RollupBuffer } from './buffer.js';

export class Rollups {
  /** reads in progress, and the flush (if any) that waits for them */
  private readers = 0;
  private flushing: Promise<number> | null = null;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    readonly buffer: RollupBuffer,
  ) {}

  /**
   * Stored rows plus unflushed cells. A read and a flush never overlap (the store read is async):
   * otherwise cells could move from the buffer to storage between the two halves of a read and be
   * missed or counted twice.
   */
  async rows(series: string[], dim: string, from: number, to: number): Promise<RollupRow[]> {
    while (this.flushing) await this.flushing.catch(() => 0);
    this.readers++;
    try {
      const stored = await this.store.readRollups({ series, dim, from, to });
      return stored.concat(this.buffer.pending(new Set(series), dim, from, to));
    } finally {
      if (--this.readers === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  /** One merged aggregate per series over [from, to), total (dim ""). */
  async totals(series: string[], from: number, to: number): Promise<Map<string, Agg>> {
    const out = new Map<string, Agg>(series.map((s) => [s, newAgg()]));
    for (const r of await this.rows(series, '', from, to)) mergeAgg(out.get(r.series)!, r);
    return out;
  }

  /** Aggregates per value of a dimension over [from, to). */
  async byValue(series: string, dim: string, from: number, to: number): Promise<Map<string, Agg>> {
    const out = new Map<string, Agg>();
    for (const r of await this.rows([series], dim, from, to)) {
      let a = out.get(r.val);
      if (!a) out.set(r.val, (a = newAgg()));
      mergeAgg(a, r);
    }
    return out;
  }

  /** Aggregates per value of a dimension and per series over [from, to): value → series → aggregate. */
  async perValue(series: string[], dim: string, from: number, to: number): Promise<Map<string, Map<string, Agg>>> {
    const out = new Map<string, Map<string, Agg>>();
    for (const r of await this.rows(series, dim, from, to)) {
      let aggs = out.get(r.val);
      if (!aggs) out.set(r.val, (aggs = new Map()));
      let a = aggs.get(r.series);
      if (!a) aggs.set(r.series, (a = newAgg()));
      mergeAgg(a, r);
    }
    return out;
  }

  async flush(): Promise<number> {
    while (this.flushing) await this.flushing.catch(() => 0);
    if (this.buffer.size === 0) return 0;
    this.flushing = this.flushOnce();
    try {
      return await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  private async flushOnce(): Promise<number> {
    while (this.readers > 0) await new Promise<void>((r) => this.idle.push(r));
    const { rows, watermark } = this.buffer.beginFlush();
    try {
      await this.store.writeRollups(rows, watermark);
      this.buffer.endFlush(true);
      return rows.length;
    } catch (e) {
      this.buffer.endFlush(false);
      throw e;
    }
  }
}
