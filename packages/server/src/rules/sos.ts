/**
 * Per-SOS timers (SPEC.md §2): every SOS opens a timer when triggered; unanswered after 30 s it
 * raises P1, after 60 s P0 (levels and limits from config); the alert resolves when the answer
 * arrives and records the real response time. The timers are not in memory: they are computed
 * from the SOS records in storage (trigger time) on every evaluation, so a restart loses none.
 * The alert label is a short hash of the SOS id, never the id itself.
 */
import { createHash } from 'node:crypto';
import type { AlertManager, MetricMeta } from '../alerting/manager.js';
import type { Level } from '../notify/types.js';
import type { SosRecord } from '../storage/store.js';
import type { Clock } from '../util/clock.js';
import type { Observation } from './state.js';

/** What the SOS timers need from storage (the core Store satisfies it). */
export type SosSource = {
  openSos(): Promise<SosRecord[]>;
  getSos(app: string, sosId: string): Promise<SosRecord | null>;
};

export type SosLimits = { warnMs: number; critMs: number; warnLevel: Level; critLevel: Level };
export const DEFAULT_SOS_LIMITS: SosLimits = { warnMs: 30_000, critMs: 60_000, warnLevel: 'P1', critLevel: 'P0' };

const META: MetricMeta = { nameZh: 'SOS响应时间', nameEn: 'SOS response time', unit: 's', direction: 'above', responder: 'operations_lead' };

export const sosLabel = (app: string, sosId: string): string => createHash('sha256').update(`${app}\u0000${sosId}`).digest('hex').slice(0, 8);

export class SosTimers {
  constructor(
    private readonly source: SosSource,
    private readonly manager: AlertManager,
    private readonly clock: Clock,
    private readonly limits: SosLimits = DEFAULT_SOS_LIMITS,
  ) {}

  private observation(rec: SosRecord, now: number): Observation {
    const label = sosLabel(rec.app, rec.sosId);
    const answered = rec.answeredAt !== null;
    const elapsed = (rec.answeredAt ?? now) - rec.triggeredAt;
    const base = { key: `sos_response_time{sos=${label}}`, metricId: 'sos_response_time', labels: { sos: label }, value: Math.round(elapsed / 100) / 10, windowMs: 0, at: now };
    if (answered) return { ...base, state: 'ok', level: null };
    if (elapsed > this.limits.critMs) return { ...base, state: 'critical', level: this.limits.critLevel, threshold: this.limits.critMs / 1000 };
    if (elapsed > this.limits.warnMs) return { ...base, state: 'warning', level: this.limits.warnLevel, threshold: this.limits.warnMs / 1000 };
    return { ...base, state: 'ok', level: null };
  }

  /** Evaluates every open SOS and resolves alerts of SOS answered since. */
  async evaluate(): Promise<void> {
    const now = this.clock.now();
    for (const rec of await this.source.openSos()) {
      await this.manager.observe(this.observation(rec, now), { ...META, ref: { app: rec.app, sosId: rec.sosId } });
    }
    const open = await this.manager.deps.store.listAlerts({ status: ['firing', 'acknowledged'], limit: 10_000 });
    for (const alert of open.filter((a) => a.metricId === 'sos_response_time' && a.ref)) {
      const { app, sosId } = alert.ref ?? {};
      if (!app || !sosId) continue;
      const rec = await this.source.getSos(app, sosId);
      if (rec && rec.answeredAt !== null) await this.manager.observe(this.observation(rec, now), { ...META, ref: { app, sosId } });
    }
  }

  /** The next moment an open SOS crosses a limit (for the runner's timer). */
  async nextDeadline(): Promise<number | null> {
    const now = this.clock.now();
    let next: number | null = null;
    for (const rec of await this.source.openSos()) {
      for (const t of [rec.triggeredAt + this.limits.warnMs + 1, rec.triggeredAt + this.limits.critMs + 1]) {
        if (t > now && (next === null || t < next)) next = t;
      }
    }
    return next;
  }
}
