/**
 * The metrics engine: the value and state of every catalogue metric now, as a series over a range,
 * broken down by a dimension, and the seed's monitoring matrix.
 */
import type { Config, Level, MetricConfig } from '../config/schema.js';
import type { Store } from '../storage/store.js';
import type { Clock } from '../util/clock.js';
import { parseDuration } from '../util/duration.js';
import { MINUTE, type RollupRow } from './agg.js';
import { CATALOGUE, metricDef, type MetricDef } from './catalogue.js';
import { computeFromAggs, round, seriesOf, type Computed } from './compute.js';
import { computeCustom } from './custom.js';
import type { Rollups } from './rollups.js';

export type MetricState = 'ok' | 'warning' | 'critical' | 'insufficient';

export type MetricValue = {
  id: string;
  name: string;
  nameZh: string;
  unit: MetricDef['unit'];
  direction: MetricDef['direction'];
  value: number | null;
  samples: number;
  minSamples: number;
  windowMs: number;
  warn: number | null;
  crit: number | null;
  state: MetricState;
  /** the alert level this state raises (null when ok or insufficient) */
  level: Level | null;
  responder: string | null;
  at: number;
  filter?: { dim: string; val: string };
  details?: Record<string, number>;
};

export type SeriesPoint = { t: number; value: number | null; samples: number };

export class MetricError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** Series step start: the minute buckets whose start lies within the step, so adjacent points never share a bucket. */
export const windowStart = (now: number, windowMs: number) => Math.ceil((now - windowMs + 1) / MINUTE) * MINUTE;
/**
 * A current value's window: every minute bucket that overlaps the last `windowMs` (the current one
 * included), so the window always holds at least `windowMs` of data — a 1-minute gauge evaluated
 * just after a minute boundary still sees the sample taken a second before it.
 */
export const valueWindowStart = (now: number, windowMs: number) => Math.floor((now - windowMs) / MINUTE) * MINUTE;

export function judge(def: MetricDef, mc: MetricConfig, value: number | null, samples: number): { state: MetricState; level: Level | null } {
  if (value === null || samples < (mc.minSamples ?? 0)) return { state: 'insufficient', level: null };
  const bad = (t: number | undefined) => t !== undefined && (def.direction === 'above' ? value > t : value < t);
  if (bad(mc.crit)) return { state: 'critical', level: mc.critLevel ?? null };
  if (bad(mc.warn)) return { state: 'warning', level: mc.warnLevel ?? null };
  return { state: 'ok', level: null };
}

export class MetricsEngine {
  constructor(
    private readonly store: Store,
    private readonly rollups: Rollups,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  private defOf(id: string): { def: MetricDef; mc: MetricConfig } {
    const def = metricDef(id);
    const mc = this.config.metrics[id];
    if (!def || !mc) throw new MetricError('id', `unknown metric '${id}'`);
    return { def, mc };
  }

  windowOf(id: string): number {
    return parseDuration(this.defOf(id).mc.window ?? '5m');
  }

  /** Computes a metric over [from, to) (to = now + 1 minute bucket), optionally for one dimension value. */
  private async computeRange(def: MetricDef, now: number, windowMs: number, filter?: { dim: string; val: string }, from = valueWindowStart(now, windowMs)): Promise<Computed> {
    const to = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const c = def.compute;
    if (c.kind === 'custom') return computeCustom(c.fn, { store: this.store, rollups: this.rollups, config: this.config, now, windowMs, from, to });
    if (c.kind === 'gauge_pct') return this.gauge(c.series, c.capacity, from, to, filter);
    const series = seriesOf(c);
    const aggs = filter ? (await this.rollups.perValue(series, filter.dim, from, to)).get(filter.val) : await this.rollups.totals(series, from, to);
    return computeFromAggs(c, (s) => aggs?.get(s));
  }

  /** Gauges: per minute, the sum over targets of each target's peak (config capacity) or the worst target (own capacity). */
  private async gauge(series: string, capacity: 'concurrentCapacity' | 'dbConnectionsMax' | undefined, from: number, to: number, filter?: { dim: string; val: string }): Promise<Computed> {
    const rows = (await this.rollups.rows([series], 'target', from, to)).filter((r) => !filter || filter.dim !== 'target' || r.val === filter.val);
    return this.gaugeOf(rows, capacity);
  }

  /** A gauge's value from its per-target rows. */
  private gaugeOf(rows: RollupRow[], capacity: 'concurrentCapacity' | 'dbConnectionsMax' | undefined): Computed {
    if (rows.length === 0) return { value: null, samples: 0 };
    const perMinute = new Map<number, Map<string, number>>();
    for (const r of rows) {
      let m = perMinute.get(r.minute);
      if (!m) perMinute.set(r.minute, (m = new Map()));
      m.set(r.val, Math.max(m.get(r.val) ?? -Infinity, r.max));
    }
    let peak = -Infinity;
    for (const m of perMinute.values()) {
      const values = [...m.values()];
      const v = capacity === 'concurrentCapacity' ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
      peak = Math.max(peak, v);
    }
    const value = capacity === 'concurrentCapacity' ? (100 * peak) / this.config.expected.concurrentCapacity : peak;
    return { value: round(value), samples: round(rows.reduce((a, r) => a + r.n, 0)), details: capacity === 'concurrentCapacity' ? { peakInFlight: peak } : {} };
  }

  async value(id: string, at?: number, filter?: { dim: string; val: string }): Promise<MetricValue> {
    const { def, mc } = this.defOf(id);
    if (filter && !def.dims.includes(filter.dim)) throw new MetricError('by', `metric '${id}' has no dimension '${filter.dim}' (has: ${def.dims.join(', ') || 'none'})`);
    const now = at ?? this.clock.now();
    const windowMs = parseDuration(mc.window ?? '5m');
    const r = await this.computeRange(def, now, windowMs, filter);
    return this.toValue(def, mc, r, now, windowMs, filter);
  }

  private toValue(def: MetricDef, mc: MetricConfig, r: Computed, now: number, windowMs: number, filter?: { dim: string; val: string }): MetricValue {
    const { state, level } = judge(def, mc, r.value, r.samples);
    return {
      id: def.id, name: def.nameEn, nameZh: def.nameZh, unit: def.unit, direction: def.direction,
      value: r.value, samples: r.samples, minSamples: mc.minSamples ?? 0, windowMs,
      warn: mc.warn ?? null, crit: mc.crit ?? null, state, level, responder: mc.responder ?? null, at: now,
      ...(filter ? { filter } : {}), ...(r.details ? { details: r.details } : {}),
    };
  }

  /** The metric evaluated at each step end over [from, to], each point over its own window. */
  async series(id: string, from: number, to: number, stepMs: number): Promise<SeriesPoint[]> {
    const { def } = this.defOf(id);
    if (!(stepMs >= MINUTE)) throw new MetricError('step', 'step must be at least 1m');
    if (!(to > from)) throw new MetricError('to', 'to must be after from');
    const points = Math.ceil((to - from) / stepMs);
    if (points > 1000) throw new MetricError('step', `too many points (${points}); use a larger step (max 1000 points)`);
    const out: SeriesPoint[] = [];
    const windowMs = def.compute.kind === 'custom' ? this.windowOf(id) : stepMs;
    for (let t = from + stepMs; t <= to + stepMs - 1; t += stepMs) {
      const at = Math.min(t, to);
      const r = await this.computeRange(def, at - 1, windowMs, undefined, windowStart(at - 1, windowMs));
      out.push({ t: at, value: r.value, samples: r.samples });
    }
    return out;
  }

  /** The metric per value of a dimension, worst first. */
  async breakdown(id: string, by: string, at?: number): Promise<MetricValue[]> {
    const { def } = this.defOf(id);
    const out = await this.groups(id, by, at);
    const sign = def.direction === 'above' ? -1 : 1;
    return out.sort((a, b) => sign * ((a.value ?? 0) - (b.value ?? 0)));
  }

  /**
   * The metric per value of a dimension seen in the window, each judged like the metric (its own
   * sample count against minSamples). One rollup query for the window (gauges: one per target);
   * custom metrics have no rollup series to break down.
   */
  async groups(id: string, by: string, at?: number): Promise<MetricValue[]> {
    const { def, mc } = this.defOf(id);
    if (!def.dims.includes(by)) throw new MetricError('by', `metric '${id}' has no dimension '${by}' (has: ${def.dims.join(', ') || 'none'})`);
    const now = at ?? this.clock.now();
    const windowMs = parseDuration(mc.window ?? '5m');
    const c = def.compute;
    if (c.kind === 'custom') return [];
    const from = valueWindowStart(now, windowMs);
    const to = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    if (c.kind === 'gauge_pct') {
      // gauges are kept per target: one read, each target judged on its own rows
      const perTarget = new Map<string, RollupRow[]>();
      for (const r of await this.rollups.rows([c.series], by, from, to)) {
        const rows = perTarget.get(r.val);
        if (rows) rows.push(r);
        else perTarget.set(r.val, [r]);
      }
      return [...perTarget].map(([val, rows]) => this.toValue(def, mc, this.gaugeOf(rows, c.capacity), now, windowMs, { dim: by, val }));
    }
    const perVal = await this.rollups.perValue(seriesOf(c), by, from, to);
    return [...perVal].map(([val, aggs]) => this.toValue(def, mc, computeFromAggs(c, (s) => aggs.get(s)), now, windowMs, { dim: by, val }));
  }

  /** The dimensions a metric is also alerted on per value (config `alertBy`). */
  alertBy(id: string): string[] {
    return this.config.metrics[id]?.alertBy ?? [];
  }

  async all(at?: number): Promise<MetricValue[]> {
    const now = at ?? this.clock.now();
    return Promise.all(CATALOGUE.filter((d) => this.config.metrics[d.id]?.enabled !== false).map((d) => this.value(d.id, now)));
  }

  /** The seed's monitoring matrix (§4): each row with its current value, threshold and state. */
  async matrix(at?: number) {
    const now = at ?? this.clock.now();
    return Promise.all(
      this.config.matrix.map(async (row) => ({ ...row, ...(await this.value(row.metric, now)) })),
    );
  }
}
