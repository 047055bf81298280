import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startFeishuReceiver } from '../standins/feishu.js';
import { sampleNotice, T0 } from '../../../test/receivers/sample.js';
import { ManualClock } from '../../util/clock.js';
import { guarded } from '../guard.js';
import { renderAlert } from '../template/render.js';
import { createFeishuChannel } from './channel.js';
import { feishuSign } from './sign.js';

const SECRET = 'feishu-secret-0123456789';

async function setup(channelSecret = SECRET, receiverOffsetMs = 0) {
  const clock = new ManualClock(T0);
  const receiver = await startFeishuReceiver({ secret: SECRET, now: () => clock.now() + receiverOffsetMs });
  const channel = guarded(createFeishuChannel({ bots: { ops: { webhook: receiver.url, secret: channelSecret } } }));
  return { clock, receiver, channel, ctx: { now: () => clock.now() } };
}

test('the signature is HMAC-SHA256 keyed with "timestamp\\nsecret" over the empty string', () => {
  // independent of feishuSign's implementation: HMAC(key, "") computed from first principles
  const key = Buffer.from(`1599360473\n${SECRET}`);
  const block = Buffer.alloc(64);
  key.copy(block);
  const ipad = Buffer.from(block.map((b) => b ^ 0x36));
  const opad = Buffer.from(block.map((b) => b ^ 0x5c));
  const inner = createHash('sha256').update(ipad).digest();
  const expected = createHash('sha256').update(Buffer.concat([opad, inner])).digest('base64');
  assert.equal(feishuSign(SECRET, 1599360473), expected);
});

test('a signed interactive card with mentions and an acknowledge button reaches the bot', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    const r = await channel.send(renderAlert(sampleNotice()), { bot: 'ops', mentionOpenIds: ['ou_abc123'] }, ctx);
    assert.deepEqual(r, { ok: true });
    const got = receiver.messages[0];
    assert.equal(got?.title, '[P1 告警] API响应时间 高于阈值');
    assert.deepEqual(got?.mentions, ['ou_abc123']);
    assert.equal(got?.buttons[0]?.title, '确认告警');
    assert.equal(got?.buttons[0]?.url, sampleNotice().links.ack);
    assert.match(got?.content ?? '', /当前值\*\*：1234 ms/);
  } finally {
    await receiver.close();
  }
});

test('a wrong secret or a stale timestamp answers code 19021, read as a failure', async () => {
  for (const [secret, offset] of [['wrong', 0], [SECRET, 3_601_000]] as const) {
    const { receiver, channel, ctx } = await setup(secret, offset);
    try {
      const r = await channel.send(renderAlert(sampleNotice()), { bot: 'ops' }, ctx);
      assert.ok(!r.ok);
      assert.equal(r.providerCode, '19021');
      assert.equal(r.code, 'AUTH');
      assert.equal(receiver.messages.length, 0);
    } finally {
      await receiver.close();
    }
  }
});

test('throttling (11232) is retryable, HTTP 5xx too', async () => {
  const { receiver, channel, ctx } = await setup();
  try {
    receiver.setFailure({ kind: 'reply', json: { code: 11232, msg: 'frequency limited psm', data: {} }, times: 1 });
    const a = await channel.send(renderAlert(sampleNotice()), { bot: 'ops' }, ctx);
    assert.ok(!a.ok && a.code === 'THROTTLED' && a.retryable);
    receiver.setFailure({ kind: 'http', status: 503, times: 1 });
    const b = await channel.send(renderAlert(sampleNotice()), { bot: 'ops' }, ctx);
    assert.ok(!b.ok && b.retryable);
  } finally {
    await receiver.close();
  }
});
