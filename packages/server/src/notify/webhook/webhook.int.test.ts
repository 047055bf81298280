import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWebhookReceiver } from '../standins/webhook.js';
import { sampleNotice, T0 } from '../../../test/receivers/sample.js';
import { ManualClock } from '../../util/clock.js';
import { guarded } from '../guard.js';
import { renderAlert } from '../template/render.js';
import { createWebhookChannel } from './channel.js';
import { verifyWebhookSignature, webhookSignature } from './sign.js';

test('a signed webhook is verified by the receiver; retries with the same key are recognised', async () => {
  const clock = new ManualClock(T0);
  const receiver = await startWebhookReceiver({ secret: 'hook-secret', now: () => clock.now() });
  try {
    const channel = guarded(createWebhookChannel({ endpoints: { ops: { url: receiver.url, secret: 'hook-secret' } } }));
    const ctx = { now: () => clock.now(), idempotencyKey: 'delivery-7' };
    const r = await channel.send(renderAlert(sampleNotice()), { endpoint: 'ops' }, ctx);
    assert.ok(r.ok && r.providerId === receiver.messages[0]?.id);
    assert.equal(receiver.messages[0]?.body.level, 'P1');
    assert.equal(receiver.messages[0]?.body.idempotencyKey, 'delivery-7');
    assert.equal((await channel.send(renderAlert(sampleNotice()), { endpoint: 'ops' }, ctx)).ok, true);
    assert.equal(receiver.messages.length, 1);
    assert.equal(receiver.duplicates, 1);
  } finally {
    await receiver.close();
  }
});

test('a wrong secret or a replayed old request is refused (401, not retried); 503 is retried', async () => {
  const clock = new ManualClock(T0);
  const receiver = await startWebhookReceiver({ secret: 'hook-secret', now: () => clock.now() });
  try {
    const wrong = guarded(createWebhookChannel({ endpoints: { ops: { url: receiver.url, secret: 'other' } } }));
    const r = await wrong.send(renderAlert(sampleNotice()), { endpoint: 'ops' }, { now: () => clock.now() });
    assert.ok(!r.ok && r.code === 'AUTH' && !r.retryable);
    const stale = guarded(createWebhookChannel({ endpoints: { ops: { url: receiver.url, secret: 'hook-secret' } } }));
    const old = await stale.send(renderAlert(sampleNotice()), { endpoint: 'ops' }, { now: () => clock.now() - 600_000 });
    assert.ok(!old.ok && old.code === 'AUTH');
    receiver.setFailure({ kind: 'http', status: 503, times: 1 });
    const busy = await stale.send(renderAlert(sampleNotice()), { endpoint: 'ops' }, { now: () => clock.now() });
    assert.ok(!busy.ok && busy.retryable);
    assert.equal(receiver.rejected, 2);
    assert.equal(receiver.messages.length, 0);
  } finally {
    await receiver.close();
  }
});

test('verifyWebhookSignature accepts the signature and rejects tampering and staleness', () => {
  const body = '{"a":1}';
  const sig = webhookSignature('k', 1_700_000_000, body);
  assert.equal(verifyWebhookSignature('k', '1700000000', sig, body, 1_700_000_000_000), true);
  assert.equal(verifyWebhookSignature('k', '1700000000', sig, '{"a":2}', 1_700_000_000_000), false);
  assert.equal(verifyWebhookSignature('k', '1700000000', sig, body, 1_700_000_400_000), false);
});
