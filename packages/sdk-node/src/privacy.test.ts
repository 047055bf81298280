import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '@mgops/protocol';
import { errorInfo, makePseudonymiser, maskSource, MAX_MESSAGE, MAX_STACK, MAX_NAME } from './privacy.js';

test('limits mirror the protocol', () => {
  assert.deepEqual([MAX_MESSAGE, MAX_STACK, MAX_NAME], [LIMITS.maxMessageLength, LIMITS.maxStackLength, LIMITS.maxNameLength]);
});

test('keyed pseudonyms: stable per key, different across keys, none without a key', () => {
  const a = makePseudonymiser('key-a-0123456789');
  const b = makePseudonymiser('key-b-0123456789');
  assert.equal(a('13812345678'), a('13812345678'));
  assert.notEqual(a('13812345678'), b('13812345678'));
  assert.match(String(a('13812345678')), /^u_[A-Za-z0-9_-]{22}$/);
  assert.equal(makePseudonymiser(undefined)('13812345678'), undefined);
  assert.equal(a(''), undefined);
});

test('errors: type, code, masked message and stack; anything thrown', () => {
  const e = Object.assign(new RangeError('bad card 6222021234567890128 for a@b.com'), { code: 'E_PAY' });
  const i = errorInfo(e);
  assert.equal(i.type, 'RangeError');
  assert.equal(i.code, 'E_PAY');
  assert.equal(i.message, 'bad card [card] for [email]');
  assert.ok(!i.stack?.includes('a@b.com'));
  assert.deepEqual(errorInfo('plain 13812345678'), { type: 'string', message: 'plain [mobile]' });
  assert.equal(errorInfo({ message: 'x'.repeat(10_000) }).message?.length, MAX_MESSAGE);
});

test('sources keep their /24 (IPv4) or /48 (IPv6)', () => {
  assert.equal(maskSource('::ffff:203.0.113.77'), '203.0.113.0');
  assert.equal(maskSource('2001:db8:abcd:12:1:2:3:4'), '2001:db8:abcd::/48');
  assert.equal(maskSource(undefined), undefined);
});
