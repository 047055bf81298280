/**
 * Periodic (and on-demand, streaming) evaluation of the metric catalogue: every metric's current
 * value and state from the metrics engine becomes an observation for the rule state machine.
 * SOS is judged per SOS by SosTimers, not by its daily aggregate.
 *
 * A metric with `alertBy` dimensions is also judged per value of each (config `alertBy`): one
 * rollup query per dimension, each value its own rule `metric{dim=value}` with the label on the
 * observation. Not alerted: the "other" overflow bucket, an empty value, and a dimension with a
 * single value (that value is the metric itself: its alert would page twice for one problem).
 * A value below minSamples is insufficient; a value that was judged and disappears from the window
 * is observed as insufficient (no data), never as recovered.
 */
import { maskString } from '@mgops/protocol';
import type { AlertManager, MetricMeta } from '../alerting/manager.js';
import { metricDef } from '../metrics/catalogue.js';
import type { Alert } from '../alerting/model.js';
import type { MetricValue } from '../metrics/engine.js';
import type { Observation } from './state.js';

export type MetricSource = {
  all(at?: number): Promise<MetricValue[]>;
  value(id: string, at?: number): Promise<MetricValue>;
  /** the metric per value of a dimension in its window, each value judged on its own samples */
  groups(id: string, by: string, at?: number): Promise<MetricValue[]>;
  /** the dimensions the metric is alerted by (config `alertBy`) */
  alertBy(id: string): string[];
};

/** The cardinality overflow bucket (metrics/buffer.ts): many values, none of them actionable. */
export const OVERFLOW_VALUE = 'other';

/** The rule key of one value of a dimension. */
export const groupKey = (metricId: string, dim: string, val: string) => `${metricId}{${dim}=${val}}`;

/**
 * A dimension value as an alert label: route and page templates, function, collection, release
 * and model names. Anything the privacy mask would change (a phone number or an IP in a route
 * that was not templated) is labelled masked, so the message is still sent and carries none of it.
 */
export const labelValue = (val: string) => maskString(val).slice(0, 128);

export const PER_EVENT_METRICS = new Set(['sos_response_time']);

export function toObservation(v: MetricValue): { obs: Observation; meta: MetricMeta } {
  const state = v.state === 'warning' ? 'warning' : v.state === 'critical' ? 'critical' : v.state === 'ok' ? 'ok' : 'insufficient';
  const threshold = state === 'critical' ? v.crit : state === 'warning' ? v.warn : null;
  const security = metricDef(v.id)?.layer === 'security';
  return {
    obs: { key: v.id, metricId: v.id, labels: {}, state, value: v.value, level: v.level, ...(threshold !== null ? { threshold } : {}), windowMs: v.windowMs, at: v.at },
    meta: { nameZh: v.nameZh, nameEn: v.name, unit: v.unit, direction: v.direction, responder: v.responder, ...(security ? { detected: true } : {}) },
  };
}

export class MetricRules {
  /** per metric and dimension, the values judged (not insufficient) at the last evaluation */
  private readonly tracked = new Map<string, Set<string>>();

  constructor(
    private readonly metrics: MetricSource,
    private readonly manager: AlertManager,
  ) {}

  async evaluate(ids?: string[], at?: number): Promise<number> {
    const values = ids ? await Promise.all(ids.map((id) => this.metrics.value(id, at))) : await this.metrics.all(at);
    let open: Alert[] | null = null;
    let n = 0;
    for (const v of values) {
      if (PER_EVENT_METRICS.has(v.id)) continue;
      const dims = this.metrics.alertBy(v.id);
      // groups first: when they fire with the metric, their pages are due together and merge into one message
      if (dims.length > 0) {
        open ??= await this.manager.deps.store.listAlerts({ status: ['firing', 'acknowledged'], limit: 10_000 });
        for (const dim of dims) n += await this.evaluateGroups(v, dim, open);
      }
      const { obs, meta } = toObservation(v);
      await this.manager.observe(obs, meta);
      n++;
    }
    return n;
  }

  private async evaluateGroups(overall: MetricValue, dim: string, open: Alert[]): Promise<number> {
    const trackKey = `${overall.id}\u0000${dim}`;
    let tracked = this.tracked.get(trackKey);
    if (!tracked) this.tracked.set(trackKey, (tracked = new Set()));
    // after a restart, the open alerts say which values were being judged
    for (const a of open) {
      const val = a.metricId === overall.id && Object.keys(a.labels).length === 1 ? a.labels[dim] : undefined;
      if (val !== undefined) tracked.add(val);
    }
    const groups = (await this.metrics.groups(overall.id, dim, overall.at)).filter((g) => g.filter && g.filter.val !== '' && g.filter.val !== OVERFLOW_VALUE);
    const seen = new Set<string>();
    let n = 0;
    for (const g of groups) {
      const val = labelValue(g.filter!.val);
      if (seen.has(val)) continue;
      seen.add(val);
      if (!tracked.has(val) && (groups.length < 2 || g.state === 'insufficient')) continue;
      const { obs, meta } = toObservation(g);
      await this.manager.observe({ ...obs, key: groupKey(overall.id, dim, val), labels: { [dim]: val } }, meta);
      if (g.state === 'insufficient') tracked.delete(val);
      else tracked.add(val);
      n++;
    }
    // judged before, no data now: its own state (an open alert stays open), never "recovered"
    for (const val of [...tracked]) {
      if (seen.has(val)) continue;
      tracked.delete(val);
      const { obs, meta } = toObservation({ ...overall, value: null, samples: 0, state: 'insufficient', level: null });
      await this.manager.observe({ ...obs, key: groupKey(overall.id, dim, val), labels: { [dim]: val } }, meta);
      n++;
    }
    return n;
  }
}
