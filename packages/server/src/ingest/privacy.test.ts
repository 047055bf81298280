import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Privacy } from './privacy.js';

test('an event id that happens to look like a phone number is pseudonymised, not counted as personal data', () => {
  const counted: string[] = [];
  const p = new Privacy(Buffer.from('k'.repeat(32)), (kind) => counted.push(kind));
  // a real mini-program SDK id (ms base36, sequence, 8 random base36 characters)
  const e: Record<string, unknown> = { type: 'page_view', id: '0mwyj14850135203u6s', page: 'pages/index/index' };
  p.event(e);
  assert.match(String(e.id), /^u_/);
  assert.deepEqual(counted, ['mobile'], 'the masking counter says what masking did');
  assert.equal(p.takeHits(), null, 'but it is not personal data found (no data_leak_risk)');
  // a UUID request id whose last group holds a mobile-like run between hex letters: the same
  for (const requestId of ['1f0c2a9e-77b1-4c1d-9e2f-a13812345678', '5d2e9c1b-c138-1234-5678-0f9e8d7c6b5a']) {
    const call: Record<string, unknown> = { type: 'function_invocation', id: 'ev-00000002', fn: 'sos', requestId, duration: 12, ok: true };
    p.event(call);
    assert.match(String(call.requestId), /^u_/, requestId);
    assert.equal(p.takeHits(), null, requestId);
  }
  // an application id that carries a phone number still counts
  const sos: Record<string, unknown> = { type: 'sos', id: 'ev-00000001', sosId: 'sos-13800138000', action: 'triggered' };
  p.event(sos);
  assert.match(String(sos.sosId), /^u_/);
  assert.deepEqual(p.takeHits(), { mobile: 1 });
});

test('in free text too: a mobile-like run inside a hex trace id is masked but not counted as personal data found; a real number is', () => {
  const p = new Privacy(Buffer.from('k'.repeat(32)), () => undefined);
  const e: Record<string, unknown> = { type: 'js_error', id: 'ev-3', kind: 'error', message: 'request 5d2e9c1b-c138-1234-5678-0f9e8d7c6b5a failed' };
  p.event(e);
  assert.equal(e.message, 'request 5d2e9c1b-c[mobile]-0f9e8d7c6b5a failed', 'masked all the same');
  assert.equal(p.takeHits(), null);
  const typed: Record<string, unknown> = { type: 'js_error', id: 'ev-4', kind: 'error', message: '保存失败：联系电话13812345678' };
  p.event(typed);
  assert.doesNotMatch(String(typed.message), /13812345678/);
  assert.deepEqual(p.takeHits(), { mobile: 1 });
});

