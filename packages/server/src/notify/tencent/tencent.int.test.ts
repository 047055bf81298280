import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTencentCloudReceiver } from '../standins/tencent.js';
import { sampleNotice, T0 } from '../../../test/receivers/sample.js';
import { ManualClock } from '../../util/clock.js';
import { guarded } from '../guard.js';
import { postJson } from '../http.js';
import { renderAlert } from '../template/render.js';
import type { SendResult } from '../types.js';
import { createSmsChannel, SMS_API } from './sms.js';
import { tc3Headers } from './tc3.js';
import { createVoiceChannel } from './voice.js';

const CREDS = { secretId: 'AKIDmgopsTestSecretId0000000000000000', secretKey: 'mgopsTestSecretKey000000000000000' };

async function setup(opts: { secretKey?: string; receiverOffsetMs?: number } = {}) {
  const clock = new ManualClock(T0);
  const receiver = await startTencentCloudReceiver({
    ...CREDS,
    now: () => clock.now() + (opts.receiverOffsetMs ?? 0),
    sms: { sdkAppId: '1400000001', signName: '心卫士', templates: { '2001': 5, '2002': 5 } },
    voice: { sdkAppId: '1400000002', templates: { '3001': 3 } },
  });
  const common = { ...CREDS, secretKey: opts.secretKey ?? CREDS.secretKey, region: 'ap-guangzhou', endpoint: receiver.url };
  const sms = guarded(createSmsChannel({ ...common, sdkAppId: '1400000001', signName: '心卫士', templateId: '2001', resolvedTemplateId: '2002' }));
  const voice = guarded(createVoiceChannel({ ...common, voiceSdkAppId: '1400000002', templateId: '3001' }));
  return { clock, receiver, sms, voice, ctx: { now: () => clock.now(), idempotencyKey: 'delivery-42' } };
}

function failed(r: SendResult): Extract<SendResult, { ok: false }> {
  assert.equal(r.ok, false, 'expected a failure');
  return r as Extract<SendResult, { ok: false }>;
}

test('SendSms is signed with TC3-HMAC-SHA256 and the number gets the template with the alert values', async () => {
  const { receiver, sms, ctx } = await setup();
  try {
    const r = await sms.send(renderAlert(sampleNotice()), { phone: '138 0013 8000' }, ctx);
    assert.equal(r.ok, true);
    assert.ok(r.ok && r.providerId?.startsWith('2433:'), 'the SerialNo is the provider id');
    const got = receiver.sms[0];
    assert.equal(got?.phoneNumber, '+8613800138000');
    assert.equal(got?.templateId, '2001');
    assert.deepEqual(got?.params, ['P1', 'API响应时间', '1234 ms', '> 1000 ms', '15']);
    assert.equal(got?.sessionContext, 'delivery-42');
    const resolved = renderAlert(sampleNotice({ kind: 'resolved', resolvedAt: T0 + 600_000 }));
    receiver.setNumberStatus('+8613800138000', null);
    const r2 = await sms.send(resolved, { phone: '+8613900139000' }, ctx);
    assert.equal(r2.ok, true);
    assert.equal(receiver.sms[1]?.templateId, '2002');
  } finally {
    await receiver.close();
  }
});

test('a wrong secret key is AuthFailure.SignatureFailure; a clock 6 minutes off is SignatureExpire', async () => {
  const bad = await setup({ secretKey: 'not-the-key' });
  try {
    const r = failed(await bad.sms.send(renderAlert(sampleNotice()), { phone: '13800138000' }, bad.ctx));
    assert.equal(r.providerCode, 'AuthFailure.SignatureFailure');
    assert.equal(r.code, 'AUTH');
    assert.equal(r.retryable, false);
    assert.equal(bad.receiver.sms.length, 0);
  } finally {
    await bad.receiver.close();
  }
  const skew = await setup({ receiverOffsetMs: 6 * 60_000 });
  try {
    const r = failed(await skew.voice.send(renderAlert(sampleNotice()), { phone: '13800138000' }, skew.ctx));
    assert.equal(r.providerCode, 'AuthFailure.SignatureExpire');
  } finally {
    await skew.receiver.close();
  }
});

test('the receiver checks the host without its port, as Tencent Cloud signs it', async () => {
  const { receiver, clock } = await setup();
  try {
    const payload = JSON.stringify({ PhoneNumberSet: ['+8613800138000'], SmsSdkAppId: '1400000001', SignName: '心卫士', TemplateId: '2001', TemplateParamSet: ['a', 'b', 'c', 'd', 'e'] });
    const sign = (host: string) =>
      tc3Headers({ ...CREDS, service: 'sms', host, action: SMS_API.action, version: SMS_API.version, region: 'ap-guangzhou', timestamp: Math.floor(clock.now() / 1000), payload });
    const withPort = await postJson(receiver.url, payload, { headers: sign(`127.0.0.1:${new URL(receiver.url).port}`), timeoutMs: 2000 });
    assert.ok(!('ok' in withPort));
    assert.match(withPort.text, /AuthFailure\.SignatureFailure/);
    const bare = await postJson(receiver.url, payload, { headers: sign('127.0.0.1'), timeoutMs: 2000 });
    assert.ok(!('ok' in bare));
    assert.match(bare.text, /"Code":"Ok"/);
  } finally {
    await receiver.close();
  }
});

test('per-number limits and an exhausted package are read from SendStatusSet', async () => {
  const { clock, receiver, sms, ctx } = await setup();
  try {
    assert.equal((await sms.send(renderAlert(sampleNotice()), { phone: '13800138000' }, ctx)).ok, true);
    const again = failed(await sms.send(renderAlert(sampleNotice()), { phone: '13800138000' }, ctx));
    assert.equal(again.providerCode, 'LimitExceeded.PhoneNumberThirtySecondLimit');
    assert.equal(again.code, 'THROTTLED');
    assert.equal(again.retryAfterMs, 30_000);
    clock.advance(30_001);
    assert.equal((await sms.send(renderAlert(sampleNotice()), { phone: '13800138000' }, ctx)).ok, true);
    receiver.setNumberStatus('+8613700137000', 'FailedOperation.InsufficientBalanceInSmsPackage');
    const broke = failed(await sms.send(renderAlert(sampleNotice()), { phone: '13700137000' }, ctx));
    assert.equal(broke.code, 'QUOTA_EXHAUSTED');
    assert.equal(broke.retryable, false);
    assert.equal(failed(await sms.send(renderAlert(sampleNotice()), { phone: '12345' }, ctx)).code, 'INVALID_TARGET');
  } finally {
    await receiver.close();
  }
});

test('SendTtsVoice places a call read twice with the CallId as provider id; failures are failures', async () => {
  const { receiver, voice, ctx } = await setup();
  try {
    const r = await voice.send(renderAlert(sampleNotice({ level: 'P0' })), { phone: '+8613800138000' }, ctx);
    assert.equal(r.ok, true);
    const call = receiver.calls[0];
    assert.ok(r.ok && r.providerId === call?.callId);
    assert.equal(call?.playTimes, 2);
    assert.deepEqual(call?.params, ['P0', 'API响应时间', '1234 ms']);
    receiver.setNumberStatus('+8613900139000', 'FailedOperation.InsufficientBalance');
    const f = failed(await voice.send(renderAlert(sampleNotice({ level: 'P0' })), { phone: '13900139000' }, ctx));
    assert.equal(f.code, 'QUOTA_EXHAUSTED');
    receiver.setFailure({ kind: 'reply', json: { Response: { Error: { Code: 'RequestLimitExceeded', Message: 'too many' }, RequestId: 'x' } }, times: 1 });
    assert.equal(failed(await voice.send(renderAlert(sampleNotice({ level: 'P0' })), { phone: '13800138000' }, ctx)).retryable, true);
    receiver.setFailure({ kind: 'http', status: 500, times: 1 });
    assert.equal(failed(await voice.send(renderAlert(sampleNotice({ level: 'P0' })), { phone: '13800138000' }, ctx)).retryable, true);
  } finally {
    await receiver.close();
  }
});
