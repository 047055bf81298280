/**
 * A complete alerting set-up for scenario tests, the alert benchmark and a demo: real DingTalk,
 * Tencent Cloud (SMS + voice) and SMTP receivers, the channel registry pointing at them, a team
 * with a weekly on-call rotation, and an AlertManager on the given clock and stores.
 */
import { AlertManager } from '../../src/alerting/manager.js';
import { InMemoryAlertStore, InMemoryOutbox } from '../../src/alerting/memory.js';
import { DEFAULT_POLICY, type AlertingPolicy } from '../../src/alerting/policy.js';
import type { AlertStore, OutboxStore } from '../../src/alerting/ports.js';
import type { ChannelsConfig } from '../../src/notify/config.js';
import { createChannelRegistry } from '../../src/notify/registry.js';
import { Directory } from '../../src/oncall/directory.js';
import type { Person, Rotation } from '../../src/oncall/model.js';
import type { Clock } from '../../src/util/clock.js';
import { startDingTalkReceiver, type DingTalkReceiver } from '../../src/notify/standins/dingtalk.js';
import { startSmtpReceiver, type SmtpReceiver } from '../../src/notify/standins/smtp.js';
import { startTencentCloudReceiver, type TencentReceiver } from '../../src/notify/standins/tencent.js';

export const TEAM: Person[] = [
  { id: 'alice', name: 'Alice', roles: ['ops_engineer'], mobile: '13800000001', email: 'alice@mindguard.example' },
  { id: 'bob', name: 'Bob', roles: ['ops_engineer'], mobile: '13800000002', email: 'bob@mindguard.example' },
  { id: 'lin', name: 'Lin', roles: ['ops_lead'], mobile: '13800000003', email: 'lin@mindguard.example' },
  { id: 'zhou', name: 'Zhou', roles: ['tech_lead'], mobile: '13800000004', email: 'zhou@mindguard.example' },
  { id: 'chen', name: 'Chen', roles: ['product_lead'], mobile: '13800000005', email: 'chen@mindguard.example' },
  { id: 'wu', name: 'Wu', roles: ['dba'], mobile: '13800000006', email: 'wu@mindguard.example' },
  { id: 'he', name: 'He', roles: ['operations_lead'], mobile: '13800000007', email: 'he@mindguard.example' },
  { id: 'an', name: 'An', roles: ['security_engineer'], mobile: '13800000008', email: 'an@mindguard.example' },
  { id: 'qian', name: 'Qian', roles: ['backend_developer'], mobile: '13800000009', email: 'qian@mindguard.example' },
  { id: 'boss', name: 'Boss', roles: ['management'], mobile: '13800000010', email: 'boss@mindguard.example' },
  { id: 'ma', name: 'Ma', roles: ['product_manager'], mobile: '13800000011', email: 'ma@mindguard.example' },
];

/** TEAM plus a person for every other responder role of the SPEC.md §2 matrix. */
export const MATRIX_TEAM: Person[] = [
  ...TEAM,
  { id: 'mo', name: 'Mo', roles: ['mobile_developer'], mobile: '13800000012', email: 'mo@mindguard.example' },
  { id: 'fei', name: 'Fei', roles: ['frontend_developer'], mobile: '13800000013', email: 'fei@mindguard.example' },
  { id: 'ai', name: 'Ai', roles: ['ai_engineer'], mobile: '13800000014', email: 'ai@mindguard.example' },
];

/** The ops engineers' 24x7 rotation: alice, bob, weekly from Monday 2025-01-06 10:00 Shanghai. */
export const OPS_MEMBERS: readonly string[] = ['alice', 'bob'];
export const OPS_ROTATION_START = Date.UTC(2025, 0, 6, 2, 0);

export function weeklyRotation(start: number = OPS_ROTATION_START): Rotation {
  return { id: 'ops', role: 'ops_engineer', layers: [{ name: '24x7', members: [...OPS_MEMBERS], start, handoffMs: 7 * 86_400_000 }], overrides: [] };
}

export const SECRETS = {
  dingtalk: 'SECkit0123456789',
  tencent: { secretId: 'AKIDkit', secretKey: 'kit-secret-key' },
  smtp: { user: 'alerts', pass: 'kit-pass' },
  ack: 'ack-link-secret',
};

export type AlertingKit = {
  ding: DingTalkReceiver;
  tencent: TencentReceiver;
  smtp: SmtpReceiver;
  manager: AlertManager;
  store: AlertStore;
  outbox: OutboxStore;
  policy: AlertingPolicy;
  close(): Promise<void>;
};

export type StandIns = { ding: DingTalkReceiver; tencent: TencentReceiver; smtp: SmtpReceiver };

/** DingTalk, Tencent Cloud (SMS + voice) and SMTP stand-ins on `now` (each verifies signatures). */
export async function startStandIns(now: () => number, smsLimits = { per30s: 5, perHour: 50, perDay: 200 }): Promise<StandIns> {
  const ding = await startDingTalkReceiver({ secret: SECRETS.dingtalk, now });
  const tencent = await startTencentCloudReceiver({
    ...SECRETS.tencent,
    now,
    sms: { sdkAppId: '1400000001', signName: '心卫士', templates: { '2001': 5 } },
    voice: { sdkAppId: '1400000002', templates: { '3001': 3 } },
    smsLimits,
  });
  const smtp = await startSmtpReceiver(SECRETS.smtp);
  return { ding, tencent, smtp };
}

/** The `channels` config section pointing at the stand-ins. */
export function standInChannels(r: StandIns, budgets?: ChannelsConfig['budgets']): ChannelsConfig {
  const tc = { ...SECRETS.tencent, region: 'ap-guangzhou', endpoint: r.tencent.url };
  return {
    dingtalk: { groups: { ops: { robots: [{ webhook: r.ding.url, secret: SECRETS.dingtalk }] } } },
    sms: { ...tc, sdkAppId: '1400000001', signName: '心卫士', templateId: '2001' },
    voice: { ...tc, voiceSdkAppId: '1400000002', templateId: '3001' },
    email: { smtp: { host: r.smtp.host, port: r.smtp.port, auth: SECRETS.smtp }, from: 'MindGuard Ops <alerts@ops.mindguard.example>' },
    budgets: budgets ?? { sms: { perMinute: 20, perMonth: 5000 }, voice: { perMinute: 10, perMonth: 1000 } },
  };
}

export async function startAlertingKit(opts: {
  clock: Clock;
  policy?: Partial<AlertingPolicy>;
  store?: AlertStore;
  outbox?: OutboxStore;
  rotationStart?: number;
  budgets?: ChannelsConfig['budgets'];
  /** reuse receivers across a simulated restart */
  receivers?: StandIns;
}): Promise<AlertingKit> {
  const { ding, tencent, smtp } = opts.receivers ?? (await startStandIns(() => opts.clock.now()));
  const registry = createChannelRegistry(standInChannels({ ding, tencent, smtp }, opts.budgets));
  const policy: AlertingPolicy = { ...DEFAULT_POLICY, publicUrl: 'https://ops.mindguard.example', ...opts.policy };
  const store = opts.store ?? new InMemoryAlertStore();
  const outbox = opts.outbox ?? new InMemoryOutbox();
  const directory = new Directory(TEAM, [weeklyRotation(opts.rotationStart)]);
  let n = 0;
  const manager = new AlertManager({ store, outbox, registry, directory, policy, clock: opts.clock, ackSecret: SECRETS.ack, newId: () => `AL${String(++n).padStart(4, '0')}${Math.floor(opts.clock.now() / 1000) % 997}` });
  return {
    ding,
    tencent,
    smtp,
    manager,
    store,
    outbox,
    policy,
    close: async () => {
      if (opts.receivers) return;
      await Promise.all([ding.close(), tencent.close(), smtp.close()]);
    },
  };
}
