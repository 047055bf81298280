/**
 * Demo mode's notification providers: the protocol-faithful local stand-ins (DingTalk, WeCom,
 * Feishu, Tencent Cloud SMS + voice, SMTP, signed webhook) on 127.0.0.1, and the `channels`
 * section that points the platform at them. Only demo mode uses this; real hosts are never
 * contacted. The outbox is what those providers received, newest first.
 */
import type { ChannelsConfig } from '../notify/config.js';
import {
  startDingTalkReceiver,
  startFeishuReceiver,
  startSmtpReceiver,
  startTencentCloudReceiver,
  startWebhookReceiver,
  startWeComReceiver,
  type DingTalkReceiver,
  type FeishuReceiver,
  type SmtpReceiver,
  type TencentReceiver,
  type WebhookReceiver,
  type WeComReceiver,
} from '../notify/standins/index.js';

const S = {
  dingtalk: { accessToken: 'demo-ops', secret: 'SECdemo0123456789' },
  wecom: 'demo-ops-key',
  feishu: { token: 'demo-ops-hook', secret: 'demo-feishu-secret' },
  tencent: { secretId: 'AKIDdemo', secretKey: 'demo-secret-key' },
  smtp: { user: 'alerts', pass: 'demo-pass' },
  webhook: 'demo-webhook-secret-0123456789',
};

export type OutboxEntry = {
  channel: 'dingtalk' | 'wecom' | 'feishu' | 'email' | 'sms' | 'voice' | 'webhook';
  at: number;
  to: string[];
  title: string;
  text: string;
};

export type DemoReceivers = {
  ding: DingTalkReceiver;
  wecom: WeComReceiver;
  feishu: FeishuReceiver;
  tencent: TencentReceiver;
  smtp: SmtpReceiver;
  webhook: WebhookReceiver;
  channels: ChannelsConfig;
  outbox(): OutboxEntry[];
  close(): Promise<void>;
};

/** `now`: the platform's clock (signed requests carry its time; demo day mode runs it simulated). */
export async function startDemoReceivers(now: () => number = () => Date.now()): Promise<DemoReceivers> {
  const ding = await startDingTalkReceiver({ robots: [S.dingtalk], perMinute: 20, now });
  const wecom = await startWeComReceiver({ keys: [S.wecom], now });
  const feishu = await startFeishuReceiver({ bots: [S.feishu], now });
  const tencent = await startTencentCloudReceiver({
    ...S.tencent,
    now,
    sms: { sdkAppId: '1400000001', signName: '心卫士', templates: { '2001': 5 } },
    voice: { sdkAppId: '1400000002', templates: { '3001': 3 } },
    smsLimits: { per30s: 5, perHour: 60, perDay: 300 },
  });
  const smtp = await startSmtpReceiver(S.smtp);
  const webhook = await startWebhookReceiver({ secret: S.webhook, now });
  const tc = { ...S.tencent, region: 'ap-guangzhou', endpoint: tencent.url };
  const channels = {
    dingtalk: { groups: { ops: { robots: [{ name: 'demo-ops', webhook: ding.webhookFor(S.dingtalk.accessToken), secret: S.dingtalk.secret }] } } },
    wecom: { robots: { ops: { webhook: wecom.webhookFor(S.wecom) } } },
    feishu: { bots: { ops: { webhook: feishu.webhookFor(S.feishu.token), secret: S.feishu.secret } } },
    email: { smtp: { host: smtp.host, port: smtp.port, auth: S.smtp }, from: 'MindGuard Ops <alerts@ops.mindguard.example>' },
    sms: { ...tc, sdkAppId: '1400000001', signName: '心卫士', templateId: '2001' },
    voice: { ...tc, voiceSdkAppId: '1400000002', templateId: '3001' },
    webhook: { endpoints: { ops: { url: webhook.url, secret: S.webhook } } },
    budgets: { sms: { perMinute: 30, perMonth: 5000 }, voice: { perMinute: 10, perMonth: 1000 } },
  } as ChannelsConfig;
  const outbox = (): OutboxEntry[] => {
    const out: OutboxEntry[] = [];
    for (const m of ding.messages) out.push({ channel: 'dingtalk', at: m.receivedAt, to: m.rang.length ? m.rang : m.atMobiles, title: m.title, text: m.text });
    for (const m of wecom.messages) out.push({ channel: 'wecom', at: m.receivedAt, to: m.mentionedMobiles, title: m.content.split('\n')[0] ?? '', text: m.content });
    for (const m of feishu.messages) out.push({ channel: 'feishu', at: m.receivedAt, to: m.mentions, title: m.title, text: m.content });
    for (const m of tencent.sms) out.push({ channel: 'sms', at: m.at, to: [m.phoneNumber], title: `SMS ${m.signName}`, text: m.params.join(' | ') });
    for (const c of tencent.calls) out.push({ channel: 'voice', at: c.at, to: [c.calledNumber], title: 'voice call', text: c.params.join(' | ') });
    for (const m of smtp.mails) out.push({ channel: 'email', at: dateOf(m.headers), to: m.to, title: m.subject, text: m.text });
    for (const m of webhook.messages) out.push({ channel: 'webhook', at: m.receivedAt, to: ['ops'], title: String(m.body.title ?? m.body.event ?? 'webhook'), text: JSON.stringify(m.body).slice(0, 500) });
    return out.sort((a, b) => b.at - a.at);
  };
  return {
    ding, wecom, feishu, tencent, smtp, webhook, channels, outbox,
    close: async () => {
      await Promise.all([ding.close(), wecom.close(), feishu.close(), tencent.close(), smtp.close(), webhook.close()]);
    },
  };
}

function dateOf(headers: Map<string, unknown>): number {
  const d = headers.get('date');
  return d instanceof Date ? d.getTime() : typeof d === 'string' ? Date.parse(d) || Date.now() : Date.now();
}
