/**
 * The in-memory side of the minute rollups. Ingest adds samples here right after a batch commits;
 * every few seconds the buffer is merged into storage together with a watermark (the last batch
 * sequence it covers), so a restart replays exactly the batches after the watermark.
 */
import { addSample, mergeAgg, minuteOf, newAgg, type Agg, type RollupRow } from './agg.js';
import { Sketch } from './sketch.js';
import type { Sample } from './samples.js';

type Cell = { minute: number; series: string; dim: string; val: string; agg: Agg };

export class RollupBuffer {
  private cells = new Map<string, Cell>();
  private flushing: Map<string, Cell> | null = null;
  /** series → dimension → values seen */
  private readonly known = new Map<string, Map<string, Set<string>>>();
  /** the highest batch sequence whose samples are in this buffer */
  seq = 0;

  constructor(private readonly dimensionLimit: number) {}

  /** Bounded cardinality: the first `dimensionLimit` values of a dimension are kept, later ones become "other". */
  private bound(series: string, dim: string, val: string): string {
    let dims = this.known.get(series);
    if (!dims) this.known.set(series, (dims = new Map()));
    let set = dims.get(dim);
    if (!set) dims.set(dim, (set = new Set()));
    if (set.has(val)) return val;
    if (set.size >= this.dimensionLimit) return 'other';
    set.add(val);
    return val;
  }

  private cell(minute: number, series: string, dim: string, val: string): Agg {
    const key = `${minute}|${series}|${dim}|${val}`;
    let c = this.cells.get(key);
    if (!c) this.cells.set(key, (c = { minute, series, dim, val, agg: newAgg() }));
    return c.agg;
  }

  add(t: number, sample: Sample): void {
    const m = minuteOf(t);
    const bucket = sample.q ? Sketch.indexOf(sample.value) : null;
    addSample(this.cell(m, sample.series, '', ''), sample.value, sample.bad, bucket, sample.w);
    for (const [dim, raw] of sample.dims) {
      if (raw === '') continue;
      addSample(this.cell(m, sample.series, dim, this.bound(sample.series, dim, raw)), sample.value, sample.bad, bucket, sample.w);
    }
  }

  get size(): number {
    return this.cells.size;
  }

  /** Takes the current cells for writing; they stay visible to queries until `endFlush`. */
  beginFlush(): { rows: RollupRow[]; watermark: number } {
    this.flushing = this.cells;
    this.cells = new Map();
    const rows: RollupRow[] = [];
    for (const c of this.flushing.values()) rows.push({ minute: c.minute, series: c.series, dim: c.dim, val: c.val, ...c.agg });
    return { rows, watermark: this.seq };
  }

  endFlush(ok: boolean): void {
    if (!ok && this.flushing) {
      // put the cells back so nothing is lost; the next flush retries
      for (const [k, c] of this.flushing) {
        const cur = this.cells.get(k);
        if (cur) mergeAgg(cur.agg, c.agg);
        else this.cells.set(k, c);
      }
    }
    this.flushing = null;
  }

  /** Unflushed rows matching a query, to merge with what storage returns. */
  pending(series: Set<string>, dim: string, from: number, to: number): RollupRow[] {
    const out: RollupRow[] = [];
    for (const map of [this.flushing, this.cells]) {
      if (!map) continue;
      for (const c of map.values()) {
        if (c.dim === dim && c.minute >= from && c.minute < to && series.has(c.series)) {
          out.push({ minute: c.minute, series: c.series, dim: c.dim, val: c.val, ...c.agg });
        }
      }
    }
    return out;
  }
}
