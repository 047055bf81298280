/**
 * Turns a page into outbox rows: the filter stages (inhibit, maintenance, silence), routing to
 * people and channels, rendering (with a signed acknowledge link), and enqueueing with
 * idempotency keys `<alertId>:<reason>:<seq>|<channel>|<target>` — so a page enqueued twice (a
 * crash between enqueue and saving the alert) is still one delivery per target.
 */
import type { Directory } from '../oncall/directory.js';
import { deliveryKey } from '../notify/registry.js';
import { renderAlert, type AlertNotice } from '../notify/template/render.js';
import type { ChannelRegistry, NotificationMessage } from '../notify/types.js';
import { alertLinks } from './links.js';
import type { Alert, OutboxRow, Page, TimelineEntry } from './model.js';
import { rowId } from './outbox.js';
import type { AlertingPolicy } from './policy.js';
import type { AlertStore, OutboxStore } from './ports.js';
import { runStages } from './stages.js';
import { route } from './stages.js';

export type PagerDeps = {
  store: AlertStore;
  outbox: OutboxStore;
  registry: ChannelRegistry;
  directory: Directory;
  policy: AlertingPolicy;
  ackSecret: string;
};

const KIND: Record<Page['reason'], AlertNotice['kind']> = {
  firing: 'firing',
  upgrade: 'firing',
  repeat: 'reminder',
  escalation: 'escalation',
  reopened: 'escalation',
  resolved: 'resolved',
};

export function messageFor(alert: Alert, reason: Page['reason'], policy: AlertingPolicy, ackSecret: string, now: number): NotificationMessage {
  const links = alertLinks(policy.publicUrl, ackSecret, alert.id, now + 7 * 86_400_000);
  const notice: AlertNotice = {
    kind: KIND[reason],
    alertId: alert.id,
    level: alert.level,
    metric: { id: alert.metricId, nameZh: alert.metricNameZh, nameEn: alert.metricNameEn },
    severity: alert.severity,
    value: alert.value,
    ...(alert.threshold !== undefined ? { threshold: alert.threshold } : {}),
    ...(alert.unit ? { unit: alert.unit } : {}),
    ...(alert.direction ? { direction: alert.direction } : {}),
    labels: alert.labels,
    ...(alert.ruleKey !== alert.metricId ? { scoped: true } : {}),
    startedAt: alert.startsAt,
    ...(alert.resolvedAt !== undefined ? { resolvedAt: alert.resolvedAt } : {}),
    ackWithinMs: Math.max(0, alert.ackDeadline - now),
    flapping: alert.flapping,
    ...(reason === 'escalation' || reason === 'reopened' ? { escalationStep: alert.escalation.next } : {}),
    ...(alert.summary ? { summary: alert.summary } : {}),
    links,
  };
  return renderAlert(notice, policy.lang);
}

/**
 * Runs one page through the pipeline. Returns the timeline entries; the caller bumps
 * `alert.notifySeq` and `lastNotifiedAt` when rows were enqueued.
 */
export async function sendPage(deps: PagerDeps, page: Page, now: number): Promise<{ enqueued: number; entries: TimelineEntry[] }> {
  const { alert } = page;
  const base = { alertId: alert.id, at: now };
  const silences = await deps.store.listSilences();
  const firing = await deps.store.listAlerts({ status: ['firing', 'acknowledged'], limit: 1000 });
  const verdict = runStages({ page, now, policy: deps.policy, silences, firing });
  if (!verdict.pass) return { enqueued: 0, entries: [{ ...base, kind: 'suppressed', detail: { reason: page.reason, stage: verdict.stage, ...verdict.detail } }] };

  const { people, deliveries } = route(page, deps.policy, deps.directory, now);
  const message = messageFor(alert, page.reason, deps.policy, deps.ackSecret, now);
  const pageKey = `${alert.id}:${page.reason}:${alert.notifySeq}`;
  const wait = page.reason === 'firing' || page.reason === 'repeat' || page.reason === 'resolved' ? deps.policy.levels[alert.level].groupWaitMs : 0;
  const rows: OutboxRow[] = deliveries.map((d) => ({
    id: rowId(pageKey, deps.registry, d),
    alertId: alert.id,
    pageKey,
    level: alert.level,
    delivery: d,
    message,
    mergeKey: deliveryKey(deps.registry, d),
    status: 'pending',
    attempts: 0,
    notBefore: now + wait,
    leaseUntil: null,
    createdAt: now,
    updatedAt: now,
  }));
  const enqueued = await deps.outbox.enqueue(rows);
  return {
    enqueued,
    entries: [
      {
        ...base,
        kind: page.reason === 'escalation' || page.reason === 'reopened' ? 'escalated' : 'notified',
        detail: { reason: page.reason, level: alert.level, people: people.map((p) => p.id), channels: [...new Set(deliveries.map((d) => d.channel))], rows: rows.length, enqueued },
      },
    ],
  };
}
