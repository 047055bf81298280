import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDingTalkReceiver } from './standins/dingtalk.js';
import { startTencentCloudReceiver } from './standins/tencent.js';
import { sampleNotice, T0 } from '../../test/receivers/sample.js';
import { ManualClock } from '../util/clock.js';
import { validateChannelsConfig } from './config.js';
import { fallbackDeliveries, shouldFallBack } from './fallback.js';
import { createChannelRegistry, deliveryKey, sendDelivery } from './registry.js';
import { renderAlert } from './template/render.js';
import type { Delivery } from './types.js';

const TC = { secretId: 'AKIDregistrytest', secretKey: 'registry-test-key' };

test('config with every channel validates; mistakes are reported with their key path', () => {
  const ok = validateChannelsConfig({
    dingtalk: { groups: { ops: { robots: [{ webhook: 'https://oapi.dingtalk.com/robot/send?access_token=x', secret: 'SECx' }] } } },
    wecom: { robots: { ops: { webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' } } },
    feishu: { bots: { ops: { webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/t', secret: 's' } } },
    email: { smtp: { host: 'smtp.exmail.qq.com', port: 465, secure: true, auth: { user: 'u', pass: 'p' } }, from: 'ops@mindguard.example' },
    sms: { ...TC, region: 'ap-guangzhou', sdkAppId: '1400000001', signName: '心卫士', templateId: '1' },
    voice: { ...TC, region: 'ap-guangzhou', voiceSdkAppId: '1400000002', templateId: '2', playTimes: 2 },
    webhook: { endpoints: { ops: { url: 'https://hooks.mindguard.example/x', secret: '0123456789abcdef' } } },
    budgets: { sms: { perMinute: 3, perMonth: 100 } },
  });
  assert.ok('config' in ok);
  const bad = validateChannelsConfig({ dingtalk: { groups: { ops: { robots: [{ webhook: 'ftp://x' }] } } }, voice: { ...TC, region: 'r', voiceSdkAppId: '1', templateId: '2', playTimes: 5 } });
  assert.ok('issues' in bad);
  const paths = bad.issues.map((i) => i.path.join('.'));
  assert.ok(paths.includes('channels.dingtalk.groups.ops.robots.0.webhook'), paths.join(' '));
  assert.ok(paths.includes('channels.voice.playTimes'), paths.join(' '));
});

test('a DingTalk group whose monthly budget is spent falls back to SMS for the mentioned people', async () => {
  const clock = new ManualClock(T0);
  const ding = await startDingTalkReceiver({ secret: 'SECabc', now: () => clock.now() });
  const tencent = await startTencentCloudReceiver({ ...TC, now: () => clock.now(), sms: { sdkAppId: '1400000001', signName: '心卫士', templates: { '2001': 5 } } });
  try {
    const registry = createChannelRegistry({
      dingtalk: { groups: { ops: { robots: [{ webhook: ding.url, secret: 'SECabc' }] } } },
      sms: { ...TC, region: 'ap-guangzhou', endpoint: tencent.url, sdkAppId: '1400000001', signName: '心卫士', templateId: '2001' },
      budgets: { dingtalk: { perMonth: 1 } },
    });
    const ctx = { now: () => clock.now() };
    const delivery: Delivery = { channel: 'dingtalk', target: { robotGroup: 'ops', mentionMobiles: ['13800138000'] } };
    assert.equal(deliveryKey(registry, delivery), 'dingtalk:ops');
    const msg = renderAlert(sampleNotice({ level: 'P0' }));
    assert.equal((await sendDelivery(registry, delivery, msg, ctx)).ok, true);
    const second = await sendDelivery(registry, delivery, msg, ctx);
    assert.ok(!second.ok && second.code === 'QUOTA_EXHAUSTED');
    assert.ok(shouldFallBack(second, 60_000));
    for (const fb of fallbackDeliveries(delivery)) assert.equal((await sendDelivery(registry, fb, msg, ctx)).ok, true);
    assert.equal(ding.messages.length, 1);
    assert.equal(tencent.sms.length, 1);
    assert.equal(tencent.sms[0]?.phoneNumber, '+8613800138000');
    assert.equal(tencent.sms[0]?.params[0], 'P0');
    const wecom = await sendDelivery(registry, { channel: 'wecom', target: { robot: 'ops' } }, msg, ctx);
    assert.ok(!wecom.ok && wecom.code === 'NOT_CONFIGURED' && !wecom.retryable);
  } finally {
    await ding.close();
    await tencent.close();
  }
});
