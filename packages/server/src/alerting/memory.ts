/** In-memory implementations of the alerting ports, for unit tests (OpenTelemetry's InMemory… style). */
import type { RuleState } from '../rules/state.js';
import type { Alert, OutboxRow, TimelineEntry } from './model.js';
import type { AlertStore, OutboxStore } from './ports.js';
import type { Silence } from './silence.js';

const clone = <T>(x: T): T => structuredClone(x);

export class InMemoryAlertStore implements AlertStore {
  readonly alerts = new Map<string, Alert>();
  readonly entries: TimelineEntry[] = [];
  private readonly rules = new Map<string, RuleState>();
  private readonly silences = new Map<string, Silence>();

  async getAlert(id: string) {
    const a = this.alerts.get(id);
    return a ? clone(a) : null;
  }
  async openByFingerprint(fp: string) {
    for (const a of this.alerts.values()) if (a.fingerprint === fp && a.status !== 'resolved') return clone(a);
    return null;
  }
  async listAlerts(q: { status?: Alert['status'][]; since?: number; limit: number }) {
    return [...this.alerts.values()]
      .filter((a) => (!q.status || q.status.includes(a.status)) && (q.since === undefined || a.updatedAt >= q.since))
      .sort((a, b) => b.startsAt - a.startsAt)
      .slice(0, q.limit)
      .map(clone);
  }
  async saveAlert(alert: Alert) {
    this.alerts.set(alert.id, clone(alert));
  }
  async appendTimeline(entries: TimelineEntry[]) {
    this.entries.push(...entries.map(clone));
  }
  async timeline(alertId: string) {
    return this.entries.filter((e) => e.alertId === alertId).map(clone);
  }
  async getRuleState(key: string) {
    const s = this.rules.get(key);
    return s ? clone(s) : null;
  }
  async saveRuleState(s: RuleState) {
    this.rules.set(s.key, clone(s));
  }
  async saveSilence(s: Silence) {
    this.silences.set(s.id, clone(s));
  }
  async listSilences() {
    return [...this.silences.values()].map(clone);
  }
}

export class InMemoryOutbox implements OutboxStore {
  readonly rows = new Map<string, OutboxRow>();
  async enqueue(rows: OutboxRow[]) {
    let n = 0;
    for (const r of rows) {
      if (this.rows.has(r.id)) continue;
      this.rows.set(r.id, clone(r));
      n++;
    }
    return n;
  }
  async claimDue(now: number, leaseMs: number, limit: number) {
    const due = [...this.rows.values()]
      .filter((r) => (r.status === 'pending' && r.notBefore <= now) || (r.status === 'sending' && (r.leaseUntil ?? 0) <= now))
      .sort((a, b) => a.notBefore - b.notBefore || a.createdAt - b.createdAt)
      .slice(0, limit);
    for (const r of due) {
      r.status = 'sending';
      r.leaseUntil = now + leaseMs;
      r.attempts += 1;
      r.updatedAt = now;
    }
    return due.map(clone);
  }
  async update(row: OutboxRow) {
    // fenced by the claim count, as the durable stores are
    if (this.rows.get(row.id)?.attempts !== row.attempts) return false;
    this.rows.set(row.id, clone(row));
    return true;
  }
  async byAlert(alertId: string) {
    return [...this.rows.values()].filter((r) => r.alertId === alertId).map(clone);
  }
  async pendingCount() {
    return [...this.rows.values()].filter((r) => r.status === 'pending' || r.status === 'sending').length;
  }
  async nextDue() {
    let next: number | null = null;
    for (const r of this.rows.values()) {
      const t = r.status === 'pending' ? r.notBefore : r.status === 'sending' ? (r.leaseUntil ?? 0) : null;
      if (t !== null && (next === null || t < next)) next = t;
    }
    return next;
  }
}
