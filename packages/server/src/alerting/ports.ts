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
  /**
   * Takes due rows (pending and due, or sending with an expired lease) and leases them. Each claim
   * adds one to the row's `attempts`, which is therefore the claim's fencing token: no two claims
   * of a row ever carry the same value.
   */
  claimDue(now: number, leaseMs: number, limit: number): Promise<OutboxRow[]>;
  /**
   * Writes `row` (an outcome, a renewed lease, a cancellation) only if the stored row still has
   * `row.attempts`, i.e. nobody claimed it since `row` was read; returns whether it was written. A
   * dispatcher slow past its lease whose row was reclaimed gets false and must leave the row alone.
   */
  update(row: OutboxRow): Promise<boolean>;
  byAlert(alertId: string): Promise<OutboxRow[]>;
  /** rows not yet delivered or failed */
  pendingCount(): Promise<number>;
  /** earliest notBefore / lease expiry among pending or sending rows */
  nextDue(): Promise<number | null>;
}
