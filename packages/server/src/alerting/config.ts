/**
 * The `people`, `oncall`, `alerting` and `maintenance` sections of config/mindguard.yaml (left
 * open by the core schema), validated here, and the policy built from them and `levels`. Local
 * times ("2025-01-06T10:00") are Asia/Shanghai.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Config } from '../config/schema.js';
import { CHANNEL_TYPES, type ChannelType, type Level } from '../notify/types.js';
import type { Person, Rotation } from '../oncall/model.js';
import { notifySpecIssue } from '../oncall/directory.js';
import { knownRoles } from '../oncall/input.js';
import { shanghaiLocal } from '../oncall/time.js';
import { parseDuration } from '../util/duration.js';
import type { MaintenanceWindow } from './maintenance.js';
import { DEFAULT_POLICY, type AlertingPolicy } from './policy.js';

const LevelT = Type.Union([Type.Literal('P0'), Type.Literal('P1'), Type.Literal('P2'), Type.Literal('P3')]);
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 64 });
const LocalTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2})?$' });
const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$' });
const Duration = Type.String({ pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d|w|y)$' });
const Matcher = Type.Object(
  { metric: Type.Optional(Type.String()), levels: Type.Optional(Type.Array(LevelT)), labels: Type.Optional(Type.Record(Type.String(), Type.String())) },
  { additionalProperties: false },
);
const Restriction = Type.Object({ days: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }))), from: Type.Optional(HHMM), to: Type.Optional(HHMM) }, { additionalProperties: false });

export const PeopleSchema = Type.Array(
  Type.Object(
    { id: Id, name: Type.String({ maxLength: 64 }), roles: Type.Array(Type.String({ maxLength: 64 })), mobile: Type.Optional(Type.String({ pattern: '^\\+?[0-9 -]{6,20}$' })), email: Type.Optional(Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$' })), feishuOpenId: Type.Optional(Type.String()) },
    { additionalProperties: false },
  ),
);

export const OncallSchema = Type.Object(
  {
    rotations: Type.Array(
      Type.Object(
        {
          id: Id,
          role: Type.String(),
          layers: Type.Array(Type.Object({ name: Type.String(), members: Type.Array(Id, { minItems: 1 }), start: LocalTime, handoff: Type.Optional(Duration), restriction: Type.Optional(Restriction) }, { additionalProperties: false }), { minItems: 1 }),
          overrides: Type.Optional(Type.Array(Type.Object({ person: Id, start: LocalTime, end: LocalTime, note: Type.Optional(Type.String()) }, { additionalProperties: false }))),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AlertingSchema = Type.Object(
  {
    lang: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')])),
    ackSecret: Type.Optional(Type.String({ minLength: 16 })),
    groups: Type.Optional(Type.Object({ dingtalk: Type.Optional(Type.String()), wecom: Type.Optional(Type.String()), feishu: Type.Optional(Type.String()), webhook: Type.Optional(Type.String()) }, { additionalProperties: false })),
    experts: Type.Optional(Type.Record(Type.String(), Type.String())),
    management: Type.Optional(Type.Array(Type.String())),
    business: Type.Optional(Type.Object({ metrics: Type.Array(Type.String()), notify: Type.Array(Type.String()) }, { additionalProperties: false })),
    ackTimeout: Type.Optional(Type.Record(LevelT, Duration)),
    inhibit: Type.Optional(Type.Array(Type.Object({ name: Type.String(), source: Matcher, target: Matcher, equal: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);

export const MaintenanceSchema = Type.Array(
  Type.Object(
    { name: Type.String(), matcher: Matcher, days: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }))), from: HHMM, to: HHMM, starts: Type.Optional(LocalTime), ends: Type.Optional(LocalTime), exceptLevels: Type.Optional(Type.Array(LevelT)) },
    { additionalProperties: false },
  ),
);

export type AlertingSections = { people: Person[]; rotations: Rotation[]; policy: AlertingPolicy; ackSecret?: string };
export type Issue = { path: string[]; message: string };

function check<T extends import('@sinclair/typebox').TSchema>(schema: T, value: unknown, path: string): { value: Static<T> } | { issues: Issue[] } {
  const c = TypeCompiler.Compile(schema);
  if (c.Check(value)) return { value };
  return { issues: [...c.Errors(value)].slice(0, 20).map((e) => ({ path: [path, ...e.path.split('/').slice(1)], message: e.message })) };
}

export function readAlertingSections(config: Config): { sections: AlertingSections } | { issues: Issue[] } {
  const people = check(PeopleSchema, config.people ?? [], 'people');
  const oncall = check(OncallSchema, config.oncall ?? { rotations: [] }, 'oncall');
  const alerting = check(AlertingSchema, config.alerting ?? {}, 'alerting');
  const maintenance = check(MaintenanceSchema, config.maintenance ?? [], 'maintenance');
  const issues = [people, oncall, alerting, maintenance].flatMap((r) => ('issues' in r ? r.issues : []));
  if ('issues' in people || 'issues' in oncall || 'issues' in alerting || 'issues' in maintenance) return { issues };
  const ids = new Set(people.value.map((p) => p.id));
  const rotations: Rotation[] = oncall.value.rotations.map((r) => ({
    id: r.id,
    role: r.role,
    layers: r.layers.map((l) => ({ name: l.name, members: l.members, start: shanghaiLocal(l.start), handoffMs: parseDuration(l.handoff ?? '7d'), ...(l.restriction ? { restriction: l.restriction } : {}) })),
    overrides: (r.overrides ?? []).map((o) => ({ personId: o.person, start: shanghaiLocal(o.start), end: shanghaiLocal(o.end), ...(o.note ? { note: o.note } : {}) })),
  }));
  rotations.forEach((r, i) =>
    [...r.layers.flatMap((l) => l.members), ...r.overrides.map((o) => o.personId)].forEach((m) => {
      if (!ids.has(m)) issues.push({ path: ['oncall', 'rotations', String(i)], message: `unknown person '${m}'` });
    }),
  );
  const levels = {} as AlertingPolicy['levels'];
  const roles = knownRoles(people.value, rotations);
  for (const level of ['P0', 'P1', 'P2', 'P3'] as Level[]) {
    const lc = config.levels[level];
    const channels = lc.channels.filter((c): c is ChannelType => (CHANNEL_TYPES as readonly string[]).includes(c));
    lc.channels.forEach((c, i) => {
      if (!channels.includes(c as ChannelType)) issues.push({ path: ['levels', level, 'channels', String(i)], message: `unknown channel '${c}' (known: ${CHANNEL_TYPES.join(', ')})` });
    });
    lc.notify.forEach((spec, i) => {
      const issue = notifySpecIssue(spec, roles, ids);
      if (issue) issues.push({ path: ['levels', level, 'notify', String(i)], message: issue });
    });
    const d = DEFAULT_POLICY.levels[level];
    const ackTimeout = alerting.value.ackTimeout?.[level];
    levels[level] = {
      ...d,
      ackWithinMs: parseDuration(lc.ackWithin),
      channels,
      notify: lc.notify,
      ...(lc.repeatEvery ? { repeatEveryMs: parseDuration(lc.repeatEvery) } : {}),
      ...(lc.groupWait ? { groupWaitMs: parseDuration(lc.groupWait) } : {}),
      ...(ackTimeout ? { ackTimeoutMs: parseDuration(ackTimeout) } : {}),
    };
  }
  if (issues.length > 0) return { issues };
  const a = alerting.value;
  const windows: MaintenanceWindow[] = maintenance.value.map((w) => ({
    name: w.name,
    matcher: w.matcher,
    from: w.from,
    to: w.to,
    ...(w.days ? { days: w.days } : {}),
    ...(w.starts ? { startsAt: shanghaiLocal(w.starts) } : {}),
    ...(w.ends ? { endsAt: shanghaiLocal(w.ends) } : {}),
    ...(w.exceptLevels ? { exceptLevels: w.exceptLevels } : {}),
  }));
  const policy: AlertingPolicy = {
    ...DEFAULT_POLICY,
    levels,
    experts: a.experts ?? DEFAULT_POLICY.experts,
    management: a.management ?? DEFAULT_POLICY.management,
    business: a.business ?? DEFAULT_POLICY.business,
    inhibit: a.inhibit?.map((r) => ({ name: r.name, source: r.source, target: r.target, equal: r.equal ?? [] })) ?? DEFAULT_POLICY.inhibit,
    maintenance: windows,
    groups: { ...DEFAULT_POLICY.groups, ...a.groups },
    publicUrl: config.server.publicUrl,
    lang: a.lang ?? 'zh-CN',
  };
  return { sections: { people: people.value, rotations, policy, ...(a.ackSecret ? { ackSecret: a.ackSecret } : {}) } };
}
