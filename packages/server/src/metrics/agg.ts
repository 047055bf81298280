import { Sketch } from './sketch.js';

/** One rollup cell: a series, for one value of one dimension, over one minute. */
export type Agg = {
  /** events, weighted by 1 / sampleRate (so not always an integer) */
  n: number;
  /** failures (errors, not ok) among n, weighted the same way */
  bad: number;
  sum: number;
  min: number;
  max: number;
  sketch: Sketch | null;
};

export const newAgg = (): Agg => ({ n: 0, bad: 0, sum: 0, min: Infinity, max: -Infinity, sketch: null });

/**
 * `bucket` is the value's sketch bucket (Sketch.indexOf), or null for series without a sketch.
 * `w` is how many real events the sample stands for (1 / sampleRate): counts, failures, sums and
 * the sketch add it; min and max do not depend on it.
 */
export function addSample(a: Agg, value: number, bad: boolean, bucket: number | null, w = 1): void {
  a.n += w;
  if (bad) a.bad += w;
  a.sum += w * value;
  if (value < a.min) a.min = value;
  if (value > a.max) a.max = value;
  if (bucket !== null) (a.sketch ??= new Sketch()).addIndex(bucket, w);
}

export function mergeAgg(into: Agg, from: Agg): void {
  into.n += from.n;
  into.bad += from.bad;
  into.sum += from.sum;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
  if (from.sketch) (into.sketch ??= new Sketch()).merge(from.sketch);
}

/** The key of a rollup cell. `dim` is "" for the total; `val` is "" then too. */
export type RollupKey = { minute: number; series: string; dim: string; val: string };
export type RollupRow = RollupKey & Agg;

export const MINUTE = 60_000;
export const minuteOf = (t: number) => Math.floor(t / MINUTE) * MINUTE;
