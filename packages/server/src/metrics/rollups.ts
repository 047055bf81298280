/**
 * Rollup access for the metric computations: stored rows merged with the unflushed buffer, and
 * the flush / replay cycle that keeps them exactly-once across restarts.
 */
import type { Store } from '../storage/store.js';
import { mergeAgg, newAgg, type Agg, type RollupRow } from './agg.js';
import type { RollupBuffer } from './buffer.js';

export class Rollups {
  constructor(
    private readonly store: Store,
    readonly buffer: RollupBuffer,
  ) {}

  async rows(series: string[], dim: string, from: number, to: number): Promise<RollupRow[]> {
    const stored = await this.store.readRollups({ series, dim, from, to });
    return stored.concat(this.buffer.pending(new Set(series), dim, from, to));
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

  async flush(): Promise<number> {
    if (this.buffer.size === 0) return 0;
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
