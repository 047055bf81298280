/**
 * A mergeable quantile sketch with bounded relative error (DDSketch-style log buckets): every
 * quantile of any window is computed from minute rollups by merging their sketches.
 * Relative accuracy 1 %: a p95 of 1,000 ms is reported between 990 and 1,010 ms.
 */
const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LN_GAMMA = Math.log(GAMMA);
/** values at or below this go to the zero bucket */
const MIN_VALUE = 1e-3;
/** marker index of the zero bucket (no real bucket is this low) */
const ZERO = -1e9;

export class Sketch {
  /** bucket index → count (weighted: a sampled value counts 1 / sampleRate) */
  readonly buckets = new Map<number, number>();
  zero = 0;
  count = 0;

  /** The bucket of a value (ZERO for the zero bucket); compute once, add to many sketches. */
  static indexOf(value: number): number {
    return value > MIN_VALUE ? Math.ceil(Math.log(value) / LN_GAMMA) : ZERO;
  }

  /** `times` is the value's weight; it need not be a whole number. */
  add(value: number, times = 1): void {
    this.addIndex(Sketch.indexOf(value), times);
  }

  addIndex(i: number, times = 1): void {
    this.count += times;
    if (i === ZERO) this.zero += times;
    else this.buckets.set(i, (this.buckets.get(i) ?? 0) + times);
  }

  merge(other: Sketch): void {
    this.count += other.count;
    this.zero += other.zero;
    for (const [i, c] of other.buckets) this.buckets.set(i, (this.buckets.get(i) ?? 0) + c);
  }

  /**
   * q in [0, 1]; NaN when empty. The "nearest rank" rule, extended to weighted counts (a sampled
   * value added with weight 1 / sampleRate): the first bucket where the cumulative weight reaches
   * q × total. With whole counts this is exactly rank ⌈q·n⌉.
   */
  quantile(q: number): number {
    if (!(this.count > 0)) return Number.NaN;
    const rank = q * this.count;
    if (this.zero > 0 && this.zero >= rank) return 0;
    let seen = this.zero;
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    for (const i of keys) {
      seen += this.buckets.get(i) ?? 0;
      if (seen > 0 && seen >= rank) return (2 * GAMMA ** i) / (GAMMA + 1);
    }
    const last = keys[keys.length - 1] ?? 0;
    return (2 * GAMMA ** last) / (GAMMA + 1);
  }

  /** Compact text form: "z;i:c,i:c". */
  serialize(): string {
    let s = `${this.zero};`;
    let first = true;
    for (const [i, c] of this.buckets) {
      s += `${first ? '' : ','}${i}:${c}`;
      first = false;
    }
    return s;
  }

  static parse(text: string | null | undefined): Sketch {
    const sk = new Sketch();
    if (!text) return sk;
    const [zero, rest] = text.split(';');
    sk.zero = Number(zero) || 0;
    sk.count = sk.zero;
    if (rest) {
      for (const pair of rest.split(',')) {
        const [i, c] = pair.split(':');
        const n = Number(c);
        sk.buckets.set(Number(i), n);
        sk.count += n;
      }
    }
    return sk;
  }
}

export const SKETCH_RELATIVE_ACCURACY = ALPHA;
