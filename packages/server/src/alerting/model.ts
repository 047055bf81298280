/**
 * The alert model: an alert per fingerprint (metric + labels) from firing to resolved, its
 * acknowledgement and escalation clock, and a timeline of every state change and delivery.
 */
import { createHash } from 'node:crypto';
import type { Delivery, Level, NotificationMessage } from '../notify/types.js';

export type AlertStatus = 'firing' | 'acknowledged' | 'resolved';
export type Severity = 'warning' | 'critical' | 'detected';

/** One step of an escalation chain, frozen into the alert when it opens. */
export type EscalationStep = {
  /** minutes after the alert opened (or after the previous step) */
  afterMs: number;
  /** roles (`ops_lead`, `oncall:ops_engineer`…) or person ids paged at this step */
  notify: string[];
  reason: 'technical' | 'management' | 'business';
};

export interface Alert {
  id: string;
  fingerprint: string;
  /** the rule (state machine) that opened it */
  ruleKey: string;
  metricId: string;
  metricNameZh: string;
  metricNameEn: string;
  labels: Record<string, string>;
  level: Level;
  severity: Severity;
  status: AlertStatus;
  value: number | null;
  threshold?: number;
  unit?: 'ms' | 's' | '%' | 'count';
  direction?: 'above' | 'below';
  /** matrix responder role of the metric */
  responder: string | null;
  startsAt: number;
  updatedAt: number;
  ackDeadline: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  flapping: boolean;
  /** when the last page (first, repeat, escalation) went out */
  lastNotifiedAt?: number;
  /** count of pages sent for this alert (numbering idempotency keys) */
  notifySeq: number;
  /** the frozen chain, the index of the next step, when it is due, and the time steps count from */
  escalation: { chain: EscalationStep[]; next: number; nextAt: number | null; base: number };
  /** short machine-made explanation; must carry no personal data */
  summary?: string;
  /** internal reference to the source (e.g. the SOS id); never rendered into messages */
  ref?: Record<string, string>;
}

export type TimelineKind =
  | 'opened'
  | 'upgraded'
  | 'value'
  | 'flapping'
  | 'no_data'
  | 'notified'
  | 'suppressed'
  | 'delivered'
  | 'delivery_failed'
  | 'fallback'
  | 'acknowledged'
  | 'escalated'
  | 'reopened'
  | 'resolved';

export type TimelineEntry = { alertId: string; at: number; kind: TimelineKind; detail: Record<string, unknown> };

/** A page about an alert: why it is sent, to whom, and the message. */
export type Page = {
  alert: Alert;
  reason: 'firing' | 'repeat' | 'upgrade' | 'escalation' | 'resolved' | 'reopened';
  /** roles or person ids to page; resolved into deliveries by the router */
  notify: string[];
  /** channels to use (the level's channels unless the step says otherwise) */
  channels?: string[];
};

/** `cancelled`: the alert resolved before its first page left (inside the group wait) */
export type OutboxStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'cancelled';

export interface OutboxRow {
  /** the idempotency key: the same page to the same target is one row, whatever happens */
  id: string;
  alertId: string;
  /** `<alertId>:<reason>:<seq>`: the page this row belongs to */
  pageKey: string;
  level: Level;
  delivery: Delivery;
  message: NotificationMessage;
  /** deliveries to the same target key can be merged into one message */
  mergeKey: string;
  status: OutboxStatus;
  attempts: number;
  notBefore: number;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
  lastError?: string;
  providerId?: string;
  /** id of the row this one replaces as a fallback */
  fallbackOf?: string;
}

export function fingerprint(metricId: string, labels: Record<string, string>): string {
  const canonical = [metricId, ...Object.keys(labels).sort().map((k) => `${k}=${labels[k] ?? ''}`)].join('\u0000');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

const RANK: Record<Level, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };
export const moreUrgent = (a: Level, b: Level): boolean => RANK[a] < RANK[b];
