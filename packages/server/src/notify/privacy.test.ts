import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleNotice } from '../../test/receivers/sample.js';
import { findPersonalData, privacyRefusal } from './privacy.js';
import { renderAlert } from './template/render.js';

test('rendered alerts of every kind and language carry no personal data', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    for (const kind of ['firing', 'resolved', 'reminder', 'escalation', 'test'] as const) {
      const msg = renderAlert(sampleNotice({ kind, resolvedAt: sampleNotice().startedAt + 90_000, escalationStep: 2, flapping: true }), lang);
      assert.deepEqual(findPersonalData(msg), [], `${lang} ${kind}`);
    }
  }
});

test('a label or summary leaking a phone, an ID number, an e-mail or an openid is refused', () => {
  const cases: Array<[string, string]> = [
    ['summary', '回拨 13812345678'],
    ['summary', '证件 11010519491231002X'],
    ['summary', 'contact zhang.san@example.com'],
    ['summary', 'user oAbCdEfGhIjKlMnOpQrStUvWxYz1'],
  ];
  for (const [, value] of cases) {
    const msg = renderAlert(sampleNotice({ summary: value }));
    const refusal = privacyRefusal(msg);
    assert.ok(refusal, `refused: ${value}`);
    assert.equal(refusal.code, 'PRIVACY_REFUSED');
    assert.equal(refusal.retryable, false);
    assert.ok(!refusal.error.includes(value.split(' ')[1] ?? ''), 'the value itself is not repeated');
  }
  const viaLabel = renderAlert(sampleNotice({ labels: { client: '192.168.3.77' } }));
  assert.ok(privacyRefusal(viaLabel));
});

test('the link origin is configuration (even an IP address); personal data in a link path is not', () => {
  const links = { console: 'http://10.0.8.12:8080/alerts/A1', ack: 'http://10.0.8.12:8080/ack/A1?t=abc' };
  assert.equal(privacyRefusal(renderAlert(sampleNotice({ links }))), undefined);
  const leaky = { console: 'http://10.0.8.12:8080/users/13812345678', ack: 'http://10.0.8.12:8080/ack/A1?t=abc' };
  assert.ok(privacyRefusal(renderAlert(sampleNotice({ links: leaky }))));
});
