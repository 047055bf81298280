import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidResidentId, luhnValid, maskString, urlTemplate, type MaskKind } from './mask.js';

const masked = (s: string) => {
  const kinds: MaskKind[] = [];
  return { out: maskString(s, (k) => kinds.push(k)), kinds };
};

test('mainland mobile numbers, with country code and separators, but not inside longer digit runs', () => {
  assert.equal(masked('请联系 13812345678').out, '请联系 [mobile]');
  assert.equal(masked('+86 138-1234-5678 or 0086 13912345678').out, '[mobile] or [mobile]');
  assert.equal(masked('ts=1767225600000').out, 'ts=1767225600000'); // a 13-digit ms timestamp
  assert.equal(masked('order 813812345678901').out, 'order 813812345678901');
  assert.equal(masked('12812345678').out, '12812345678'); // 12x is not a mobile prefix
});

test('resident ID numbers by GB 11643 checksum, or by context when the checksum fails', () => {
  assert.ok(isValidResidentId('11010519491231002X'));
  assert.ok(!isValidResidentId('110105194912310021'));
  assert.ok(!isValidResidentId('11010519491331002X')); // month 13
  assert.deepEqual(masked('id 11010519491231002X').kinds, ['id_card']);
  assert.equal(masked('身份证号 110105194912310021').out, '身份证号 [id]');
});

test('bank cards by Luhn or by context', () => {
  assert.ok(luhnValid('6222021234567890128'));
  assert.equal(masked('card 6222021234567890128').out, 'card [card]');
  assert.equal(masked('card 6222 0212 3456 7890 128').out, 'card [card]');
  assert.equal(masked('ref 6222021234567890127').out, 'ref 6222021234567890127');
  assert.equal(masked('卡号 6222021234567890127').out, '卡号 [card]');
});

test('e-mail, openid, IPv4 kept to /24, IPv6 kept to /48', () => {
  assert.equal(masked('mail a.b+c@mind-guard.cn now').out, 'mail [email] now');
  assert.equal(masked('openid=oV3Kd5Tq9Xz1Lm8Np2Rs4Tu6Wy0A').out, 'openid=[openid]');
  assert.equal(masked('from 203.0.113.77 via 10.0.0.1').out, 'from 203.0.113.0 via 10.0.0.0');
  assert.equal(masked('version 1.2.3.4.5 and 999.1.1.1').out, 'version 1.2.3.4.5 and 999.1.1.1');
  assert.equal(masked('addr 2001:db8:85a3:8d3:1319:8a2e:370:7348').out, 'addr 2001:db8:85a3::/48');
  assert.equal(masked('at 12:30:45').out, 'at 12:30:45');
});

test('plain operational text is left alone', () => {
  const s = "TypeError: Cannot read properties of undefined (reading 'mood') at pages/checkin/submit.js:42:13";
  assert.deepEqual(masked(s), { out: s, kinds: [] });
});

test('URLs become route templates without query, fragment or ids', () => {
  assert.equal(urlTemplate('https://api.mindguard.cn/v1/users/12345/diary/5f1c2a9b8d7e6f5a4b3c?token=abc#top'), '/v1/users/:id/diary/:id');
  assert.equal(urlTemplate('/api/sos/550e8400-e29b-41d4-a716-446655440000/answer'), '/api/sos/:id/answer');
  assert.equal(urlTemplate('https://x.cn'), '/');
  assert.equal(urlTemplate('/u/oV3Kd5Tq9Xz1Lm8Np2Rs4Tu6Wy0A/home'), '/u/:id/home');
});
