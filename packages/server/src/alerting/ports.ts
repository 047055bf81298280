/**
 * Storage ports of the alerting capability. The in-memory implementations (memory.ts) serve unit
 * tests; storage/sqlite/alerting.ts and storage/postgres/alerting.ts are the durable ones, held to
 * one contract suite. Every method is async so a networked database fits.
 */
import type { RuleState } from '../rules/state.js';
import type { Alert, AlertStatus, OutboxRow, TimelineEntry } from './model.js';
import type { Silence } from './silence.js';

export interface AlertStore {
  getAlert(id: string): Promise<Alert | null>;
  /** the alert with this fingerprint that is not resolved */
  openByFingerprint(fingerprint: string): Promise<Alert | null>;
  listAlerts(q: { status?: AlertStatus[]; since?: number; limit: number }): Promise<Alert[]>;
  saveAlert(alert: Alert): Promise<void>;
  appendTimeline(entries: TimelineEntry[]): Promise<void>;
  timeline(alertId: string): Promise<TimelineEntry[]>;

  getRuleState(key: string): Promise<RuleState | null>;
  saveRuleState(state: RuleState): Promise<void>;

  saveSilence(s: Silence): Promise<void>;
  listSilences(): Promise<Silence[]>;
}

export interface OutboxStore {
  /** inserts rows whose id is new; returns how many were new (the id is the idempotency key) */
  enqueue(rows: OutboxRow[]): Promise<number>;
  /** takes due rows (pending and due, or sending with an expired lease) and leases them */
  claimDue(now: number, leaseMs: number, limit: number): Promise<OutboxRow[]>;
  /** writes the outcome of an attempt */
  update(row: OutboxRow): Promise<void>;
  byAlert(alertId: string): Promise<OutboxRow[]>;
  /** rows not yet delivered or failed */
  pendingCount(): Promise<number>;
  /** earliest notBefore / lease expiry among pending or sending rows */
  nextDue(): Promise<number | null>;
}
