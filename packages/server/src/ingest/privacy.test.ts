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
  assert.deepEqual(counted, []);
  assert.equal(p.takeHits(), null);
  // an application id that carries a phone number still counts
  const sos: Record<string, unknown> = { type: 'sos', id: 'ev-00000001', sosId: 'sos-13800138000', action: 'triggered' };
  p.event(sos);
  assert.match(String(sos.sosId), /^u_/);
  assert.deepEqual(p.takeHits(), { mobile: 1 });
});
