/**
 * Periodic (and on-demand, streaming) evaluation of the metric catalogue: every metric's current
 * value and state from the metrics engine becomes an observation for the rule state machine.
 * SOS is judged per SOS by SosTimers, not by its daily aggregate.
 */
import type { AlertManager, MetricMeta } from '../alerting/manager.js';
import { metricDef } from '../metrics/catalogue.js';
import type { MetricValue } from '../metrics/engine.js';
import type { Observation } from './state.js';

export type MetricSource = { all(at?: number): Promise<MetricValue[]>; value(id: string, at?: number): Promise<MetricValue> };

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
  constructor(
    private readonly metrics: MetricSource,
    private readonly manager: AlertManager,
  ) {}

  async evaluate(ids?: string[], at?: number): Promise<number> {
    const values = ids ? await Promise.all(ids.map((id) => this.metrics.value(id, at))) : await this.metrics.all(at);
    let n = 0;
    for (const v of values) {
      if (PER_EVENT_METRICS.has(v.id)) continue;
      const { obs, meta } = toObservation(v);
      await this.manager.observe(obs, meta);
      n++;
    }
    return n;
  }
}
