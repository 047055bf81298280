/**
 * The alert manager: rule events become alerts with a frozen escalation chain and an
 * acknowledgement clock; `tick()` drives escalation, repeats, acknowledgement time-outs and the
 * outbox on the injected clock. Every step lands in the alert's timeline.
 */
import { randomBytes } from 'node:crypto';
import type { Directory } from '../oncall/directory.js';
import type { ChannelRegistry, Level, NotifyLogger } from '../notify/types.js';
import { DEFAULT_RULE_OPTIONS, step, type Observation, type RuleEvent, type RuleOptions } from '../rules/state.js';
import type { Clock } from '../util/clock.js';
import { fingerprint, type Alert, type AlertStatus, type Page, type Severity, type TimelineEntry } from './model.js';
import { dispatchDue, type DispatchStats } from './outbox.js';
import { sendPage } from './pager.js';
import { escalationChain, type AlertingPolicy } from './policy.js';
import type { AlertStore, OutboxStore } from './ports.js';

export type MetricMeta = {
  nameZh: string;
  nameEn: string;
  unit?: Alert['unit'];
  direction?: Alert['direction'];
  responder: string | null;
  /** security detectors and per-event rules */
  detected?: boolean;
  summary?: string;
  /** internal reference kept on the alert, never rendered (e.g. { app, sosId }) */
  ref?: Record<string, string>;
};

export type AlertingDeps = {
  store: AlertStore;
  outbox: OutboxStore;
  registry: ChannelRegistry;
  directory: Directory;
  policy: AlertingPolicy;
  clock: Clock;
  /** signs acknowledge links */
  ackSecret: string;
  ruleOptions?: RuleOptions;
  newId?: () => string;
  log?: NotifyLogger;
};

export type ActionResult =
  /** `from`: the status before, when the action changed it (absent when there was nothing to do) */
  | { ok: true; alert: Alert; from?: AlertStatus }
  | { ok: false; code: 'NOT_FOUND' | 'CONFLICT'; message: string };

const newAlertId = (): string => 'A' + randomBytes(5).toString('hex').toUpperCase();

export class AlertManager {
  private wake: () => void = () => undefined;

  constructor(readonly deps: AlertingDeps) {}

  /** Called whenever new outbox rows are waiting (the runner dispatches at once instead of on its timer). */
  onWork(fn: () => void): void {
    this.wake = fn;
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /** One observation of a rule (streaming or periodic evaluation). Returns the alert it touched. */
  async observe(obs: Observation, meta: MetricMeta): Promise<Alert | null> {
    const prev = await this.deps.store.getRuleState(obs.key);
    const { next, events } = step(prev, obs, this.deps.ruleOptions ?? DEFAULT_RULE_OPTIONS);
    await this.deps.store.saveRuleState(next);
    let alert = await this.deps.store.openByFingerprint(fingerprint(obs.metricId, obs.labels));
    for (const e of events) alert = await this.apply(e, obs, meta, alert);
    return alert;
  }

  private async apply(e: RuleEvent, obs: Observation, meta: MetricMeta, current: Alert | null): Promise<Alert | null> {
    const now = this.now();
    const entries: TimelineEntry[] = [];
    let alert = current;
    if (e.kind === 'fire') {
      if (alert) return alert;
      alert = this.open(obs, meta, e.level, meta.detected ? 'detected' : e.severity, now);
      entries.push({ alertId: alert.id, at: now, kind: 'opened', detail: { level: e.level, severity: alert.severity, value: obs.value, threshold: obs.threshold ?? null } });
      await this.page(alert, { alert, reason: 'firing', notify: this.deps.policy.levels[e.level].notify }, entries);
      return alert;
    }
    if (!alert) return null;
    alert.value = obs.value;
    alert.updatedAt = now;
    if (e.kind === 'upgrade') {
      this.setLevel(alert, e.to, now);
      alert.severity = meta.detected ? 'detected' : e.severity;
      if (obs.threshold !== undefined) alert.threshold = obs.threshold;
      entries.push({ alertId: alert.id, at: now, kind: 'upgraded', detail: { from: e.from, to: e.to } });
      await this.page(alert, { alert, reason: 'upgrade', notify: this.deps.policy.levels[e.to].notify }, entries);
    } else if (e.kind === 'resolve') {
      return this.close(alert, 'rule', entries);
    } else if (e.kind === 'flapping') {
      alert.flapping = e.on;
      entries.push({ alertId: alert.id, at: now, kind: 'flapping', detail: { on: e.on } });
    } else if (e.kind === 'no_data') {
      entries.push({ alertId: alert.id, at: now, kind: 'no_data', detail: {} });
    }
    await this.save(alert, entries);
    return alert;
  }

  private open(obs: Observation, meta: MetricMeta, level: Level, severity: Severity, now: number): Alert {
    const chain = escalationChain(this.deps.policy, level, obs.metricId, meta.responder);
    return {
      id: (this.deps.newId ?? newAlertId)(),
      fingerprint: fingerprint(obs.metricId, obs.labels),
      ruleKey: obs.key,
      metricId: obs.metricId,
      metricNameZh: meta.nameZh,
      metricNameEn: meta.nameEn,
      labels: obs.labels,
      level,
      severity,
      status: 'firing',
      value: obs.value,
      ...(obs.threshold !== undefined ? { threshold: obs.threshold } : {}),
      ...(meta.unit ? { unit: meta.unit } : {}),
      ...(meta.direction ? { direction: meta.direction } : {}),
      responder: meta.responder,
      startsAt: now,
      updatedAt: now,
      ackDeadline: now + this.deps.policy.levels[level].ackWithinMs,
      flapping: false,
      notifySeq: 0,
      escalation: { chain, next: 0, nextAt: chain[0] ? now + chain[0].afterMs : null, base: now },
      ...(meta.summary ? { summary: meta.summary } : {}),
      ...(meta.ref ? { ref: meta.ref } : {}),
    };
  }

  /** A new level: new deadline and a chain frozen again for that level, counted from now. */
  private setLevel(alert: Alert, level: Level, now: number): void {
    alert.level = level;
    alert.ackDeadline = now + this.deps.policy.levels[level].ackWithinMs;
    const chain = escalationChain(this.deps.policy, level, alert.metricId, alert.responder);
    alert.escalation = { chain, next: 0, nextAt: alert.status === 'firing' && chain[0] ? now + chain[0].afterMs : null, base: now };
  }

  private async page(alert: Alert, page: Page, entries: TimelineEntry[]): Promise<void> {
    const now = this.now();
    const r = await sendPage(this.deps, page, now);
    entries.push(...r.entries);
    if (r.entries.some((x) => x.kind !== 'suppressed')) {
      alert.notifySeq += 1;
      alert.lastNotifiedAt = now;
    }
    await this.save(alert, entries);
    if (r.enqueued > 0) this.wake();
  }

  private async save(alert: Alert, entries: TimelineEntry[]): Promise<void> {
    await this.deps.store.saveAlert(alert);
    if (entries.length > 0) await this.deps.store.appendTimeline(entries.splice(0));
  }

  private async close(alert: Alert, by: string, entries: TimelineEntry[]): Promise<Alert> {
    const now = this.now();
    alert.status = 'resolved';
    alert.resolvedAt = now;
    alert.resolvedBy = by;
    alert.escalation.nextAt = null;
    alert.updatedAt = now;
    entries.push({ alertId: alert.id, at: now, kind: 'resolved', detail: { by, afterMs: now - alert.startsAt } });
    // Alertmanager's rule: an alert resolved within its group wait is never notified at all
    const rows = await this.deps.outbox.byAlert(alert.id);
    if (rows.length > 0 && rows.every((r) => r.status === 'pending' && r.attempts === 0)) {
      for (const r of rows) await this.deps.outbox.update({ ...r, status: 'cancelled', updatedAt: now, lastError: 'resolved before it was sent' });
      entries.push({ alertId: alert.id, at: now, kind: 'suppressed', detail: { reason: 'resolved', stage: 'group_wait', cancelled: rows.length } });
      await this.save(alert, entries);
      return alert;
    }
    await this.page(alert, { alert, reason: 'resolved', notify: this.deps.policy.levels[alert.level].notify }, entries);
    return alert;
  }

  /** Acknowledge by API, dashboard or signed link: stops escalation and starts the ack time-out. */
  async acknowledge(id: string, by: string, via: string): Promise<ActionResult> {
    const alert = await this.deps.store.getAlert(id);
    if (!alert) return { ok: false, code: 'NOT_FOUND', message: `no alert ${id}` };
    if (alert.status === 'resolved') return { ok: false, code: 'CONFLICT', message: 'alert is already resolved' };
    if (alert.status === 'acknowledged') return { ok: true, alert };
    const now = this.now();
    alert.status = 'acknowledged';
    alert.acknowledgedAt = now;
    alert.acknowledgedBy = by;
    alert.escalation.nextAt = null;
    alert.updatedAt = now;
    await this.save(alert, [{ alertId: id, at: now, kind: 'acknowledged', detail: { by, via, afterMs: now - alert.startsAt, withinDeadline: now <= alert.ackDeadline } }]);
    return { ok: true, alert, from: 'firing' };
  }

  /** Resolve by hand; the rule starts from normal, so a metric still bad opens a new alert. */
  async resolve(id: string, by: string): Promise<ActionResult> {
    const alert = await this.deps.store.getAlert(id);
    if (!alert) return { ok: false, code: 'NOT_FOUND', message: `no alert ${id}` };
    if (alert.status === 'resolved') return { ok: true, alert };
    const rule = await this.deps.store.getRuleState(alert.ruleKey);
    if (rule) await this.deps.store.saveRuleState({ ...rule, status: 'ok', severity: null, level: null, okSince: null });
    const from = alert.status;
    return { ok: true, alert: await this.close(alert, by, []), from };
  }

  /** Escalations, repeats and acknowledgement time-outs due now; then the outbox. */
  async tick(): Promise<DispatchStats> {
    const now = this.now();
    const open = await this.deps.store.listAlerts({ status: ['firing', 'acknowledged'], limit: 10_000 });
    for (const alert of open) {
      const level = this.deps.policy.levels[alert.level];
      const entries: TimelineEntry[] = [];
      if (alert.status === 'acknowledged' && alert.acknowledgedAt !== undefined && now >= alert.acknowledgedAt + level.ackTimeoutMs) {
        alert.status = 'firing';
        delete alert.acknowledgedAt;
        delete alert.acknowledgedBy;
        alert.ackDeadline = now + level.ackWithinMs;
        const first = alert.escalation.chain[0];
        alert.escalation = { ...alert.escalation, next: 0, nextAt: first ? now + first.afterMs : null, base: now };
        entries.push({ alertId: alert.id, at: now, kind: 'reopened', detail: { reason: 'acknowledged but not resolved', afterMs: level.ackTimeoutMs } });
        await this.page(alert, { alert, reason: 'reopened', notify: level.notify }, entries);
        continue;
      }
      if (alert.status !== 'firing') continue;
      if (alert.escalation.nextAt !== null && now >= alert.escalation.nextAt) {
        await this.escalate(alert, now, entries);
        continue;
      }
      const repeatEvery = level.repeatEveryMs * (alert.flapping ? 4 : 1);
      if (alert.lastNotifiedAt !== undefined && now >= alert.lastNotifiedAt + repeatEvery) {
        await this.page(alert, { alert, reason: 'repeat', notify: level.notify }, entries);
      }
    }
    return dispatchDue({
      outbox: this.deps.outbox,
      registry: this.deps.registry,
      policy: this.deps.policy,
      clock: this.deps.clock,
      record: (e) => this.deps.store.appendTimeline(e),
      ...(this.deps.log ? { log: this.deps.log } : {}),
    });
  }

  /** Pages every step now due (steps sharing a time go out together), then sets the next time. */
  private async escalate(alert: Alert, now: number, entries: TimelineEntry[]): Promise<void> {
    const { chain, base } = alert.escalation;
    const notify: string[] = [];
    while (alert.escalation.next < chain.length && base + (chain[alert.escalation.next]?.afterMs ?? 0) <= now) {
      notify.push(...(chain[alert.escalation.next]?.notify ?? []));
      alert.escalation.next += 1;
    }
    const upcoming = chain[alert.escalation.next];
    alert.escalation.nextAt = upcoming ? base + upcoming.afterMs : null;
    await this.page(alert, { alert, reason: 'escalation', notify: [...new Set(notify)] }, entries);
  }

  /** The earliest time `tick()` has work: for the runner's timer. */
  async nextWake(): Promise<number | null> {
    const times: number[] = [];
    for (const a of await this.deps.store.listAlerts({ status: ['firing', 'acknowledged'], limit: 10_000 })) {
      const level = this.deps.policy.levels[a.level];
      if (a.status === 'acknowledged' && a.acknowledgedAt !== undefined) times.push(a.acknowledgedAt + level.ackTimeoutMs);
      if (a.status === 'firing' && a.escalation.nextAt !== null) times.push(a.escalation.nextAt);
      if (a.status === 'firing' && a.lastNotifiedAt !== undefined) times.push(a.lastNotifiedAt + level.repeatEveryMs * (a.flapping ? 4 : 1));
    }
    const due = await this.deps.outbox.nextDue();
    if (due !== null) times.push(due);
    return times.length ? Math.min(...times) : null;
  }
}
