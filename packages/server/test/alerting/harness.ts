/**
 * The whole alerting chain on a manual clock, for the SPEC.md §2 row scenarios: events are POSTed
 * to the real collector; the metrics engine, the rule state machine, the AlertManager and the
 * outbox run inside the platform (alertingPlugin, its runner driven by hand with `turn()`); pages
 * reach local DingTalk, Tencent Cloud (SMS + voice) and SMTP stand-ins that verify signatures.
 * The levels, channels and who is paged are the product's own (config/mindguard.yaml `levels`).
 */
import assert from 'node:assert/strict';
import { alertingPlugin } from '../../src/alerting/plugin.js';
import type { AlertManager } from '../../src/alerting/manager.js';
import type { AlertRunner } from '../../src/alerting/runner.js';
import type { Alert, TimelineEntry } from '../../src/alerting/model.js';
import type { Config, Level } from '../../src/config/schema.js';
import type { DingTalkMessage, DingTalkReceiver } from '../../src/notify/standins/dingtalk.js';
import type { ReceivedMail, SmtpReceiver } from '../../src/notify/standins/smtp.js';
import type { CallRecord, SmsRecord, TencentReceiver } from '../../src/notify/standins/tencent.js';
import { ManualClock } from '../../src/util/clock.js';
import { envelope, post, startPlatform, testConfig, type Ev, type TestPlatform } from '../helpers.js';
import { MATRIX_TEAM, OPS_MEMBERS, OPS_ROTATION_START, SECRETS, standInChannels, startStandIns } from '../receivers/alerting-kit.js';

export const S = 1000;
export const MIN = 60 * S;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
/** Wednesday 2026-11-25 10:00 Asia/Shanghai */
export const T0 = Date.UTC(2026, 10, 25, 2, 0);
/** who is on call at `t` in the ops rotation (alerting-kit's), computed here independently of src/oncall */
export const onCallAt = (t: number): string => OPS_MEMBERS[Math.floor((t - OPS_ROTATION_START) / WEEK) % OPS_MEMBERS.length]!;

const person = (id: string) => {
  const p = MATRIX_TEAM.find((x) => x.id === id);
  if (!p) throw new Error(`no person ${id}`);
  return p;
};
export const mobileOf = (id: string): string => person(id).mobile ?? '';
export const emailOf = (id: string): string => person(id).email ?? '';
/** the person holding a role (on call for ops engineers) */
export function holder(role: string, at: number): string {
  if (role === 'ops_engineer') return onCallAt(at);
  const p = MATRIX_TEAM.filter((x) => x.roles.includes(role));
  assert.equal(p.length, 1, `one person holds ${role}`);
  return p[0]!.id;
}

/** `release` and `ctx` (device model, os) are the envelope's; the defaults are helpers.ts envelope()'s */
export type Batch = { events: Ev[]; sdk?: 'mp' | 'node'; ts?: number; release?: string; ctx?: Record<string, unknown> };

export type Parts = { tp: TestPlatform; manager: AlertManager; runner: AlertRunner; clock: ManualClock; ding: DingTalkReceiver; tencent: TencentReceiver; smtp: SmtpReceiver };

/** A fresh platform (own data dir) with alerting in manual mode, and fresh stand-ins. */
export async function startChain(edit?: (c: Config) => void): Promise<Parts & { close(): Promise<void> }> {
  const clock = new ManualClock(T0);
  const now = () => clock.now();
  const { ding, tencent, smtp } = await startStandIns(now, { per30s: 10, perHour: 100, perDay: 500 });
  const config = testConfig((c) => {
    c.server.publicUrl = 'https://ops.mindguard.example';
    c.channels = standInChannels({ ding, tencent, smtp }, { sms: { perMinute: 50, perMonth: 5000 }, voice: { perMinute: 50, perMonth: 1000 } });
    c.people = MATRIX_TEAM;
    c.oncall = { rotations: [{ id: 'ops', role: 'ops_engineer', layers: [{ name: '24x7', members: [...OPS_MEMBERS], start: '2025-01-06T10:00', handoff: '7d' }] }] };
    c.alerting = { ackSecret: SECRETS.ack.padEnd(16, '-') };
    edit?.(c);
  });
  let parts: { manager: AlertManager; runner: AlertRunner } | undefined;
  const tp = await startPlatform({ config, clock, plugins: [alertingPlugin({ manual: true, onReady: (p) => (parts = p) })] });
  if (!parts) throw new Error('alerting did not start');
  return {
    tp, clock, ding, tencent, smtp, ...parts,
    close: async () => {
      await tp.close();
      await Promise.all([ding.close(), tencent.close(), smtp.close()]);
    },
  };
}

/** Posts batches to the collector at the current (manual) time; every event must be accepted. */
export async function postAt(p: Parts, batches: Batch[]): Promise<void> {
  const now = p.clock.now();
  for (const b of batches) {
    for (let i = 0; i < b.events.length || i === 0; i += 500) {
      const slice = b.events.slice(i, i + 500);
      if (slice.length === 0) break;
      const body = envelope(slice.map((e) => ({ ts: b.ts ?? now - S, ...e })), { sentAt: now, ...(b.sdk === 'mp' ? { sdk: 'mgops-miniprogram' } : {}), ...(b.release ? { release: b.release } : {}), ...(b.ctx ? { ctx: b.ctx } : {}) });
      const r = await post(p.tp.url, p.tp.key, body);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.deepEqual(r.json.rejected, [], JSON.stringify(r.json.rejected));
    }
  }
}

/** What the stand-ins accepted (each one checked the signature) since a mark. */
export type Received = { ding: DingTalkMessage[]; mails: ReceivedMail[]; sms: SmsRecord[]; calls: CallRecord[] };
export function mark(p: Parts): () => Received {
  const at = { ding: p.ding.messages.length, mails: p.smtp.mails.length, sms: p.tencent.sms.length, calls: p.tencent.calls.length };
  return () => ({ ding: p.ding.messages.slice(at.ding), mails: p.smtp.mails.slice(at.mails), sms: p.tencent.sms.slice(at.sms), calls: p.tencent.calls.slice(at.calls) });
}

export function noRejections(p: Parts): void {
  assert.deepEqual(p.ding.rejected, [], 'DingTalk refused nothing (signature, timestamp, limits)');
  assert.deepEqual(p.tencent.rejected, [], 'Tencent Cloud refused nothing (TC3 signature)');
}

export async function alerts(p: Parts): Promise<Alert[]> {
  return p.manager.deps.store.listAlerts({ limit: 100 });
}

export async function timeline(p: Parts, id: string): Promise<TimelineEntry[]> {
  return p.manager.deps.store.timeline(id);
}

/** The product's levels (config/mindguard.yaml), read back from the config the platform runs. */
export function levelsOf(p: Parts): Config['levels'] {
  return p.tp.platform.config.levels;
}

/** The people a page at `level` must reach, from the level's `notify` list. */
export function expectedPeople(p: Parts, level: Level, responderRole: string, at: number): string[] {
  const out = new Set<string>();
  for (const spec of levelsOf(p)[level].notify) {
    if (spec === 'responder') out.add(holder(responderRole, at));
    else if (spec.startsWith('oncall:')) out.add(holder(spec.slice(7), at));
    else if (spec.startsWith('all:')) MATRIX_TEAM.filter((x) => x.roles.includes(spec.slice(4))).forEach((x) => out.add(x.id));
    else out.add(holder(spec, at));
  }
  return [...out].sort();
}

const E164 = (m: string) => `+86${m}`;
const sorted = (xs: string[]) => [...xs].sort();

/**
 * The page `title` (e.g. "[P1 告警] 崩溃率") reached exactly `people` on exactly the level's
 * channels: one DingTalk message ringing their mobiles, one e-mail to them, an SMS and a call to
 * each. `got` may hold other pages (escalations) too; only those with this title are checked.
 */
export function assertPaged(got: Received, title: string, level: Level, channels: string[], people: string[], ctx: string): void {
  const ding = got.ding.filter((m) => m.title.startsWith(title));
  const mails = got.mails.filter((m) => m.subject.startsWith(title));
  const [lvl, metric] = [level, title.replace(/^\[[^\]]+\]\s*/, '')];
  // SMS and voice variables carry the metric's name, with `·<short scope>` for a per-dimension alert
  const named = (p: string[]): boolean => p[0] === lvl && (p[1] === metric || !!p[1]?.startsWith(`${metric}·`));
  const sms = got.sms.filter((s) => named(s.params));
  const calls = got.calls.filter((c) => named(c.params));
  const mobiles = sorted(people.map(mobileOf));
  if (channels.includes('dingtalk')) {
    assert.equal(ding.length, 1, `${ctx}: one DingTalk message "${title}" (got ${got.ding.map((m) => m.title).join(' | ')})`);
    assert.deepEqual(sorted(ding[0]!.rang), mobiles, `${ctx}: DingTalk rings exactly ${people.join(', ')}`);
  } else assert.equal(ding.length, 0, `${ctx}: no DingTalk at ${level}`);
  if (channels.includes('email')) {
    assert.equal(mails.length, 1, `${ctx}: one e-mail "${title}" (got ${got.mails.map((m) => m.subject).join(' | ')})`);
    assert.deepEqual(sorted(mails[0]!.to), sorted(people.map(emailOf)), `${ctx}: e-mail to exactly ${people.join(', ')}`);
  } else assert.equal(mails.length, 0, `${ctx}: no e-mail at ${level}`);
  assert.deepEqual(sorted(sms.map((s) => s.phoneNumber)), channels.includes('sms') ? sorted(mobiles.map(E164)) : [], `${ctx}: SMS at ${level}`);
  assert.deepEqual(sorted(calls.map((c) => c.calledNumber)), channels.includes('voice') ? sorted(mobiles.map(E164)) : [], `${ctx}: voice calls at ${level}`);
}

/** One evaluation + escalation + outbox pass at the current time. */
export async function turn(p: Parts): Promise<void> {
  await p.runner.turn();
}
