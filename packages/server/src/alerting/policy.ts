/**
 * The alerting policy: per-level channels, who is paged, acknowledgement deadline, repeat and
 * group-wait intervals (config `levels`), and the escalation chain (SPEC.md §3.3): technical
 * expert of the responder's area → ops lead → tech lead → management, plus the product lead for
 * core business alerts. The chain is built when an alert opens and frozen into it.
 */
import type { ChannelType, Level } from '../notify/types.js';
import type { EscalationStep } from './model.js';
import type { InhibitRule } from './stages.js';
import type { MaintenanceWindow } from './maintenance.js';

export type LevelPolicy = {
  ackWithinMs: number;
  channels: ChannelType[];
  notify: string[];
  repeatEveryMs: number;
  groupWaitMs: number;
  /** how long a failing channel may wait for a slot before its fallback is used */
  patienceMs: number;
  /** an acknowledged alert not resolved within this re-opens escalation */
  ackTimeoutMs: number;
};

export type AlertingPolicy = {
  levels: Record<Level, LevelPolicy>;
  /** responder role → its technical expert role */
  experts: Record<string, string>;
  defaultExpert: string;
  management: string[];
  business: { metrics: string[]; notify: string[] };
  inhibit: InhibitRule[];
  maintenance: MaintenanceWindow[];
  /** robot group / bot / endpoint names that alerts go to on group channels */
  groups: { dingtalk: string; wecom: string; feishu: string; webhook: string };
  /** channels for resolved notices (no phone calls, no SMS by default) */
  resolvedChannels: ChannelType[];
  retry: { maxAttempts: number; baseMs: number; maxMs: number };
  publicUrl: string;
  lang: 'zh-CN' | 'en';
};

const M = 60_000;

export const DEFAULT_POLICY: AlertingPolicy = {
  levels: {
    P0: { ackWithinMs: 5 * M, channels: ['voice', 'sms', 'dingtalk', 'email'], notify: ['oncall:ops_engineer', 'ops_lead', 'tech_lead', 'product_lead', 'responder'], repeatEveryMs: 5 * M, groupWaitMs: 0, patienceMs: 30_000, ackTimeoutMs: 30 * M },
    P1: { ackWithinMs: 15 * M, channels: ['dingtalk', 'email'], notify: ['ops_lead', 'responder'], repeatEveryMs: 15 * M, groupWaitMs: 5_000, patienceMs: 2 * M, ackTimeoutMs: 60 * M },
    P2: { ackWithinMs: 30 * M, channels: ['dingtalk'], notify: ['responder'], repeatEveryMs: 60 * M, groupWaitMs: 30_000, patienceMs: 10 * M, ackTimeoutMs: 4 * 60 * M },
    P3: { ackWithinMs: 120 * M, channels: ['email'], notify: ['all:ops_engineer'], repeatEveryMs: 4 * 60 * M, groupWaitMs: 60_000, patienceMs: 60 * M, ackTimeoutMs: 24 * 60 * M },
  },
  experts: {},
  defaultExpert: 'tech_lead',
  management: ['ops_lead', 'tech_lead', 'management'],
  business: { metrics: ['checkin_success_rate', 'task_completion_rate', 'sos_response_time', 'risk_accuracy'], notify: ['product_lead'] },
  inhibit: [{ name: 'service down', source: { metric: 'service_availability', levels: ['P0'] }, target: { levels: ['P1', 'P2', 'P3'] }, equal: [] }],
  maintenance: [],
  groups: { dingtalk: 'ops', wecom: 'ops', feishu: 'ops', webhook: 'ops' },
  resolvedChannels: ['dingtalk', 'wecom', 'feishu', 'email', 'webhook'],
  retry: { maxAttempts: 8, baseMs: 1_000, maxMs: 5 * M },
  publicUrl: 'http://localhost:8080',
  lang: 'zh-CN',
};

/** The chain frozen into a new alert: one step per ack deadline, expert first, then management. */
export function escalationChain(policy: AlertingPolicy, level: Level, metricId: string, responder: string | null): EscalationStep[] {
  const every = policy.levels[level].ackWithinMs;
  const expert = (responder ? policy.experts[responder] : undefined) ?? policy.defaultExpert;
  const steps: EscalationStep[] = [{ afterMs: every, notify: [expert], reason: 'technical' }];
  if (policy.business.metrics.includes(metricId)) steps.push({ afterMs: every, notify: policy.business.notify, reason: 'business' });
  policy.management.forEach((role, i) => steps.push({ afterMs: every * (i + 2), notify: [role], reason: 'management' }));
  return steps;
}

/** Exponential back-off for outbox retries, at least what the provider asked for. */
export function backoffMs(policy: AlertingPolicy, attempts: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.retry.maxMs, policy.retry.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(exp, retryAfterMs ?? 0);
}
