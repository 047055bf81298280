import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDingTalkReceiver } from '../standins/dingtalk.js';
import { sampleNotice, T0 } from '../../../test/receivers/sample.js';
import { ManualClock } from '../../util/clock.js';
import { guarded } from '../guard.js';
import { mergeMessages } from '../template/digest.js';
import { renderAlert } from '../template/render.js';
import type { NotificationMessage, SendResult } from '../types.js';
import { postJson } from '../http.js';
import { createDingTalkChannel } from './channel.js';
import { dingTalkSign, signedWebhookUrl } from './sign.js';

const SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';

async function setup(opts: { channelSecret?: string; robots?: number; receiverClockOffset?: number } = {}) {
  const clock = new ManualClock(T0);
  const n = opts.robots ?? 1;
  const specs = Array.from({ length: n }, (_, i) => ({ accessToken: `token-${i + 1}`, secret: SECRET }));
  const receiver = await startDingTalkReceiver({ robots: specs, now: () => clock.now() + (opts.receiverClockOffset ?? 0) });
  const channel = guarded(
    createDingTalkChannel({
      groups: {
        ops: { robots: specs.map((s) => ({ webhook: receiver.webhookFor(s.accessToken), secret: opts.channelSecret ?? SECRET })) },
      },
    }),
  );
  const ctx = { now: () => clock.now() };
  return { clock, receiver, channel, ctx };
}

function failed(r: SendResult): Extract<SendResult, { ok: false }> {
  assert.equal(r.ok, false, 'expected a failure');
  return r as Extract<SendResult, { ok: false }>;
}

test('a signed markdown message with mentions reaches the robot and the mentions really ring', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    const msg = renderAlert(sampleNotice());
    const r = await channel.send(msg, { robotGroup: 'ops', mentionMobiles: ['+86 138 0013 8000', '13900139000'] }, ctx);
    assert.deepEqual(r, { ok: true });
    assert.equal(receiver.rejected.length, 0);
    const got = receiver.messages[0];
    assert.ok(got);
    assert.equal(got.msgtype, 'markdown');
    assert.deepEqual(got.rang, ['13800138000', '13900139000']);
    assert.match(got.title, /\[P1 告警\] API响应时间 高于阈值/);
    assert.match(got.text, /1234 ms（阈值 > 1000 ms）/);
    assert.match(got.text, /2025-01-15 14:03:05（北京时间）/);
    assert.ok(got.text.includes('[确认告警](https://ops.mindguard.example/ack/A7F3K2?t='), 'acknowledge link inline');
  } finally {
    await receiver.close();
  }
});

test('without mentions the message is an actionCard with an acknowledge button', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    const r = await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx);
    assert.equal(r.ok, true);
    const got = receiver.messages[0];
    assert.equal(got?.msgtype, 'actionCard');
    assert.deepEqual(got?.buttons[0], { title: '确认告警', url: sampleNotice().links.ack });
    assert.deepEqual(got?.buttons[1], { title: '查看详情', url: sampleNotice().links.console });
  } finally {
    await receiver.close();
  }
});

test('a wrong secret is rejected as DingTalk does (errcode 310000 in an HTTP 200) and read as a failure', async () => {
  const { receiver, channel, ctx } = await setup({ channelSecret: 'SECwrong' });
  try {
    const r = failed(await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx));
    assert.equal(r.code, 'AUTH');
    assert.equal(r.providerCode, '310000');
    assert.equal(r.retryable, false);
    assert.equal(receiver.messages.length, 0);
    assert.equal(receiver.rejected[0]?.errcode, 310000);
  } finally {
    await receiver.close();
  }
});

test('a timestamp more than an hour off DingTalk\'s clock is rejected', async () => {
  const { receiver, channel, ctx } = await setup({ receiverClockOffset: 3_600_001 });
  try {
    const r = failed(await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx));
    assert.equal(r.providerCode, '310000');
    assert.equal(receiver.rejected[0]?.errmsg, 'invalid timestamp');
  } finally {
    await receiver.close();
  }
});

test('provider errors and HTTP failures are classified for retry', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    receiver.setFailure({ kind: 'http', status: 502, times: 1 });
    const a = failed(await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx));
    assert.equal(a.retryable, true);
    assert.equal(a.code, 'HTTP_ERROR');
    receiver.setFailure({ kind: 'reply', json: { errcode: -1, errmsg: '系统繁忙' }, times: 1 });
    const b = failed(await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx));
    assert.equal(b.retryable, true);
    receiver.setFailure({ kind: 'drop', times: 1 });
    const c = failed(await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx));
    assert.equal(c.code, 'NETWORK');
    assert.equal(c.retryable, true);
    assert.equal((await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx)).ok, true);
  } finally {
    await receiver.close();
  }
});

test('an oversized message is truncated under 20,000 bytes and its mentions survive', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    const base = renderAlert(sampleNotice());
    const huge: NotificationMessage = { ...base, markdown: `${base.markdown}\n${'响应时间过长 "x" \\ '.repeat(3000)}` };
    const r = await channel.send(huge, { robotGroup: 'ops', mentionMobiles: ['13800138000'] }, ctx);
    assert.equal(r.ok, true);
    const got = receiver.messages[0];
    assert.ok(got && got.bytes < 20_000 && got.bytes > 15_000, `size ${got?.bytes}`);
    assert.match(got.text, /内容过长已截断/);
    assert.deepEqual(got.rang, ['13800138000']);
  } finally {
    await receiver.close();
  }
});

test('20 messages a minute per robot: the rest wait, are merged, and DingTalk never throttles', async () => {
  const { clock, receiver, channel, ctx } = await setup();
  try {
    const held: NotificationMessage[] = [];
    for (let i = 0; i < 25; i++) {
      const msg = renderAlert(sampleNotice({ alertId: `ALERT${i}` }));
      const r = await channel.send(msg, { robotGroup: 'ops' }, ctx);
      if (!r.ok) {
        assert.equal(r.code, 'THROTTLED');
        assert.equal(r.retryable, true);
        assert.ok(r.retryAfterMs !== undefined && r.retryAfterMs > 0 && r.retryAfterMs <= 60_000);
        held.push(msg);
      }
      clock.advance(100);
    }
    assert.equal(receiver.messages.length, 20);
    assert.equal(held.length, 5);
    clock.advance(60_000 - 2_500 + 1);
    const r = await channel.send(mergeMessages(held), { robotGroup: 'ops' }, ctx);
    assert.equal(r.ok, true);
    assert.equal(receiver.rejected.length, 0, 'DingTalk never answered 130101');
    const digest = receiver.messages[20];
    for (let i = 20; i < 25; i++) assert.ok(digest?.text.includes(`ALERT${i}`), `digest holds ALERT${i}`);
    assert.match(digest?.title ?? '', /5 条告警通知/);
  } finally {
    await receiver.close();
  }
});

test('several robots in a group share the load and a throttled robot is skipped', async () => {
  const { receiver, channel, ctx } = await setup({ robots: 2 });
  try {
    let ok = 0;
    for (let i = 0; i < 40; i++) if ((await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx)).ok) ok++;
    assert.equal(ok, 40);
    const perRobot = (t: string) => receiver.messages.filter((m) => m.accessToken === t).length;
    assert.deepEqual([perRobot('token-1'), perRobot('token-2')], [20, 20]);
    assert.equal((await channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, ctx)).ok, false);
  } finally {
    await receiver.close();
  }
  const second = await setup({ robots: 2 });
  try {
    // another sender used up robot 1 at DingTalk: it answers 130101; the channel fails over to robot 2
    second.receiver.setFailure({ kind: 'reply', json: { errcode: 130101, errmsg: 'send too fast' }, times: 1 });
    const r = await second.channel.send(renderAlert(sampleNotice()), { robotGroup: 'ops' }, second.ctx);
    assert.equal(r.ok, true);
    assert.equal(second.receiver.messages[0]?.accessToken, 'token-2');
  } finally {
    await second.receiver.close();
  }
});

test('a message carrying personal data is refused before any request', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    const base = renderAlert(sampleNotice());
    const leaky: NotificationMessage = { ...base, markdown: `${base.markdown}\n- 用户：13812345678` };
    const r = failed(await channel.send(leaky, { robotGroup: 'ops' }, ctx));
    assert.equal(r.code, 'PRIVACY_REFUSED');
    assert.match(r.error, /markdown \(mobile\)/);
    assert.ok(!r.error.includes('13812345678'), 'the refusal does not repeat the value');
    assert.equal(receiver.requests.length, 0);
  } finally {
    await receiver.close();
  }
});

test('the receiver is as strict as DingTalk: a signature with an un-encoded "+" does not match', async () => {
  const { receiver, clock } = await setup();
  try {
    let ts = clock.now();
    while (!dingTalkSign(SECRET, ts).includes('+')) ts++;
    clock.set(ts);
    const body = JSON.stringify({ msgtype: 'markdown', markdown: { title: 't', text: 'x' } });
    const raw = `${receiver.url}&timestamp=${ts}&sign=${dingTalkSign(SECRET, ts)}`;
    const a = await postJson(raw, body, { timeoutMs: 2000 });
    assert.ok(!('ok' in a) && /"errcode":310000/.test(a.text));
    const b = await postJson(signedWebhookUrl(receiver.url, SECRET, ts), body, { timeoutMs: 2000 });
    assert.ok(!('ok' in b) && /"errcode":0/.test(b.text));
  } finally {
    await receiver.close();
  }
});
