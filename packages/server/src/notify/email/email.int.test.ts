import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpReceiver } from '../standins/smtp.js';
import { sampleNotice, T0 } from '../../../test/receivers/sample.js';
import { guarded } from '../guard.js';
import { renderAlert } from '../template/render.js';
import { createEmailChannel } from './channel.js';

const ctx = { now: () => T0, idempotencyKey: 'alert-A7F3K2:email:1' };

test('an alert e-mail with HTML and text reaches a real SMTP server after authentication', async () => {
  const smtp = await startSmtpReceiver({ user: 'alerts', pass: 's3cret' });
  try {
    const channel = guarded(
      createEmailChannel({ smtp: { host: smtp.host, port: smtp.port, auth: { user: 'alerts', pass: 's3cret' } }, from: 'MindGuard Ops <alerts@ops.mindguard.example>' }),
    );
    const r = await channel.send(renderAlert(sampleNotice()), { to: ['oncall@mindguard.example', 'lead@mindguard.example'] }, ctx);
    assert.equal(r.ok, true);
    const mail = smtp.mails[0];
    assert.ok(mail);
    assert.equal(mail.subject, '[P1 告警] API响应时间 高于阈值');
    assert.deepEqual(mail.to, ['oncall@mindguard.example', 'lead@mindguard.example']);
    assert.match(mail.text, /当前值：1234 ms（阈值 > 1000 ms）/);
    assert.match(mail.html, /<a href="https:\/\/ops\.mindguard\.example\/ack\/A7F3K2\?t=[^"]+"[^>]*>确认告警<\/a>/);
    assert.equal(mail.messageId, '<alert-A7F3K2_email_1@mgops>');
    assert.ok(r.ok && r.providerId === mail.messageId);
    assert.equal(mail.headers.get('x-mgops-level'), 'P1');
  } finally {
    await smtp.close();
  }
});

test('a wrong SMTP password is an AUTH failure; 4xx is retried, 5xx is not; no server is a network failure', async () => {
  const smtp = await startSmtpReceiver({ user: 'alerts', pass: 's3cret' });
  try {
    const make = (pass: string) =>
      guarded(createEmailChannel({ smtp: { host: smtp.host, port: smtp.port, auth: { user: 'alerts', pass } }, from: 'alerts@ops.mindguard.example' }));
    const bad = await make('nope').send(renderAlert(sampleNotice()), { to: ['oncall@mindguard.example'] }, ctx);
    assert.ok(!bad.ok && bad.code === 'AUTH' && !bad.retryable);
    const good = make('s3cret');
    smtp.failData(451);
    const busy = await good.send(renderAlert(sampleNotice()), { to: ['oncall@mindguard.example'] }, ctx);
    assert.ok(!busy.ok && busy.retryable && busy.providerCode === '451');
    smtp.failData(552);
    const refused = await good.send(renderAlert(sampleNotice()), { to: ['oncall@mindguard.example'] }, ctx);
    assert.ok(!refused.ok && !refused.retryable && refused.providerCode === '552');
    assert.equal(smtp.mails.length, 0);
  } finally {
    await smtp.close();
  }
  const gone = guarded(createEmailChannel({ smtp: { host: '127.0.0.1', port: smtp.port }, from: 'alerts@ops.mindguard.example', timeoutMs: 2000 }));
  const r = await gone.send(renderAlert(sampleNotice()), { to: ['oncall@mindguard.example'] }, ctx);
  assert.ok(!r.ok && r.retryable && (r.code === 'NETWORK' || r.code === 'TIMEOUT'));
});
