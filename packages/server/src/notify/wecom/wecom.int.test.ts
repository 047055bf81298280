import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWeComReceiver } from '../standins/wecom.js';
import { sampleNotice, T0 } from '../../../test/receivers/sample.js';
import { ManualClock } from '../../util/clock.js';
import { guarded } from '../guard.js';
import { renderAlert } from '../template/render.js';
import type { NotificationMessage } from '../types.js';
import { createWeComChannel } from './channel.js';

async function setup(key = 'wecom-key-1') {
  const clock = new ManualClock(T0);
  const receiver = await startWeComReceiver({ now: () => clock.now() });
  const channel = guarded(createWeComChannel({ robots: { ops: { webhook: receiver.webhookFor(key) } } }));
  return { clock, receiver, channel, ctx: { now: () => clock.now() } };
}

test('markdown alert with links reaches the WeCom robot', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    assert.deepEqual(await channel.send(renderAlert(sampleNotice()), { robot: 'ops' }, ctx), { ok: true });
    const got = receiver.messages[0];
    assert.equal(got?.msgtype, 'markdown');
    assert.match(got?.content ?? '', /<font color="warning">\*\*\[P1 告警\] API响应时间 高于阈值\*\*<\/font>/);
    assert.ok(got?.content.includes('[确认告警](https://ops.mindguard.example/ack/A7F3K2'));
  } finally {
    await receiver.close();
  }
});

test('mentions go as a text message with mentioned_mobile_list', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    const r = await channel.send(renderAlert(sampleNotice()), { robot: 'ops', mentionMobiles: ['+8613800138000'] }, ctx);
    assert.equal(r.ok, true);
    assert.equal(receiver.messages[0]?.msgtype, 'text');
    assert.deepEqual(receiver.messages[0]?.mentionedMobiles, ['13800138000']);
    assert.match(receiver.messages[0]?.content ?? '', /确认告警：https:\/\/ops\.mindguard\.example\/ack\/A7F3K2/);
  } finally {
    await receiver.close();
  }
});

test('content is cut to the byte limits (4,096 markdown, 2,048 text) and accepted', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    const base = renderAlert(sampleNotice());
    const big: NotificationMessage = { ...base, markdown: base.markdown + '慢'.repeat(5000), text: base.text + '慢'.repeat(5000) };
    assert.equal((await channel.send(big, { robot: 'ops' }, ctx)).ok, true);
    assert.equal((await channel.send(big, { robot: 'ops', mentionMobiles: ['13800138000'] }, ctx)).ok, true);
    assert.equal(receiver.rejected.length, 0);
    assert.ok(Buffer.byteLength(receiver.messages[0]?.content ?? '') <= 4096);
    assert.ok(Buffer.byteLength(receiver.messages[1]?.content ?? '') <= 2048);
    assert.match(receiver.messages[1]?.content ?? '', /内容过长已截断/);
  } finally {
    await receiver.close();
  }
});

test('an unknown key (errcode 93000) and throttling (45009) are failures', async () => {
  const bad = await setup('not-a-key');
  try {
    const r = await bad.channel.send(renderAlert(sampleNotice()), { robot: 'ops' }, bad.ctx);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.providerCode, '93000');
    assert.equal(!r.ok && r.retryable, false);
  } finally {
    await bad.receiver.close();
  }
  const { receiver, channel, ctx } = await setup();
  try {
    receiver.setFailure({ kind: 'reply', json: { errcode: 45009, errmsg: 'api freq out of limit' }, times: 1 });
    const r = await channel.send(renderAlert(sampleNotice()), { robot: 'ops' }, ctx);
    assert.ok(!r.ok && r.code === 'THROTTLED' && r.retryable);
    let local = 0;
    for (let i = 0; i < 25; i++) if (!(await channel.send(renderAlert(sampleNotice()), { robot: 'ops' }, ctx)).ok) local++;
    assert.equal(local, 25, 'after a 45009 the robot rests for a minute');
  } finally {
    await receiver.close();
  }
});
