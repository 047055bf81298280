/**
 * The notification pipeline (Alertmanager's notify.go shape): each page passes
 * inhibit → maintenance windows → silence, then is routed to deliveries and handed to the
 * outbox, which groups (group wait, merge), deduplicates (idempotency keys), retries and records.
 * Each filter stage is a pure function with one signature, so adding one is an entry in STAGES.
 */
import type { Directory } from '../oncall/directory.js';
import type { Person } from '../oncall/model.js';
import type { ChannelType, Delivery, Level } from '../notify/types.js';
import { activeMaintenance } from './maintenance.js';
import { moreUrgent, type Alert, type Page } from './model.js';
import type { AlertingPolicy } from './policy.js';
import { activeSilence, matches, type Matcher, type Silence } from './silence.js';

export type InhibitRule = { name: string; source: Matcher; target: Matcher; equal: string[] };

export type StageInput = { page: Page; now: number; policy: AlertingPolicy; silences: Silence[]; firing: Alert[] };
export type StageVerdict = { pass: true } | { pass: false; stage: string; detail: Record<string, unknown> };
export type FilterStage = { name: string; run(input: StageInput): StageVerdict };

const PASS: StageVerdict = { pass: true };

export const inhibitStage: FilterStage = {
  name: 'inhibit',
  run({ page, policy, firing }) {
    if (page.reason === 'resolved') return PASS;
    for (const rule of policy.inhibit) {
      if (!matches(rule.target, page.alert)) continue;
      const source = firing.find(
        (a) => a.id !== page.alert.id && matches(rule.source, a) && rule.equal.every((k) => a.labels[k] === page.alert.labels[k]),
      );
      if (source) return { pass: false, stage: 'inhibit', detail: { rule: rule.name, by: source.id } };
    }
    return PASS;
  },
};

/**
 * Per-dimension alerts (config `alertBy`, e.g. api_response_time{route=…}) are inhibited while
 * their metric's overall alert is open at the same or a more urgent level and was opened before
 * this page: the same people already hold that page. A group and the overall metric firing in the
 * same evaluation are not inhibited: their pages are due together and merge into one message.
 */
export const overallInhibitStage: FilterStage = {
  name: 'inhibit',
  run({ page, firing, now }) {
    const a = page.alert;
    if (page.reason === 'resolved' || a.ruleKey === a.metricId || Object.keys(a.labels).length === 0) return PASS;
    const overall = firing.find(
      (o) => o.metricId === a.metricId && o.ruleKey === o.metricId && o.id !== a.id && !moreUrgent(a.level, o.level) && o.startsAt < now,
    );
    return overall ? { pass: false, stage: 'inhibit', detail: { rule: 'overall metric alert', by: overall.id } } : PASS;
  },
};

export const maintenanceStage: FilterStage = {
  name: 'maintenance',
  run({ page, policy, now }) {
    const w = activeMaintenance(policy.maintenance, page.alert, now);
    return w ? { pass: false, stage: 'maintenance', detail: { window: w.name } } : PASS;
  },
};

export const silenceStage: FilterStage = {
  name: 'silence',
  run({ page, silences, now }) {
    const s = activeSilence(silences, page.alert, now);
    return s ? { pass: false, stage: 'silence', detail: { silence: s.id, until: s.endsAt } } : PASS;
  },
};

export const STAGES: FilterStage[] = [inhibitStage, overallInhibitStage, maintenanceStage, silenceStage];

export function runStages(input: StageInput, stages: FilterStage[] = STAGES): StageVerdict {
  for (const stage of stages) {
    const v = stage.run(input);
    if (!v.pass) return v;
  }
  return PASS;
}

/** Route stage: the page's people and channels become deliveries (group channels mention people). */
export function route(page: Page, policy: AlertingPolicy, directory: Directory, now: number): { people: Person[]; deliveries: Delivery[] } {
  const level: Level = page.alert.level;
  const people = directory.resolve(page.notify, now, page.alert.responder);
  const levelChannels = (page.channels ?? policy.levels[level].channels) as ChannelType[];
  const channels = page.reason === 'resolved' ? levelChannels.filter((c) => policy.resolvedChannels.includes(c)) : levelChannels;
  const mobiles = people.flatMap((p) => (p.mobile ? [p.mobile] : []));
  const emails = people.flatMap((p) => (p.email ? [p.email] : []));
  const openIds = people.flatMap((p) => (p.feishuOpenId ? [p.feishuOpenId] : []));
  const mention = page.reason !== 'resolved';
  const out: Delivery[] = [];
  const ROUTES: { [K in ChannelType]: () => Delivery[] } = {
    dingtalk: () => [{ channel: 'dingtalk', target: { robotGroup: policy.groups.dingtalk, ...(mention && mobiles.length ? { mentionMobiles: mobiles } : {}) } }],
    wecom: () => [{ channel: 'wecom', target: { robot: policy.groups.wecom, ...(mention && mobiles.length ? { mentionMobiles: mobiles } : {}) } }],
    feishu: () => [{ channel: 'feishu', target: { bot: policy.groups.feishu, ...(mention && openIds.length ? { mentionOpenIds: openIds } : {}) } }],
    email: () => (emails.length ? [{ channel: 'email', target: { to: emails } }] : []),
    sms: () => mobiles.map((phone): Delivery => ({ channel: 'sms', target: { phone } })),
    voice: () => mobiles.map((phone): Delivery => ({ channel: 'voice', target: { phone } })),
    webhook: () => [{ channel: 'webhook', target: { endpoint: policy.groups.webhook } }],
  };
  for (const c of channels) out.push(...(ROUTES[c]?.() ?? []));
  return { people, deliveries: out };
}
