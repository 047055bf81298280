/** Events stored before the collector filled fingerprints are grouped by error type and message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../storage/store.js';
import { ErrorService, fallbackFingerprint } from './service.js';

const old = (t: number, fn: string, message: string, release: string) => ({ type: 'function_invocation', fn, duration: 5, ok: false, t, id: `e${t}`, ts: t, app: 'mindguard', env: 'production', release, error: { type: 'Error', message } });

test('old events without a fingerprint: one group per function, type and message; at most five releases', async () => {
  const events = [
    ...['1.0', '1.1', '1.2', '1.3', '1.4', '1.5'].map((r, i) => old(100 + i, 'checkin', 'boom', r)),
    old(50, 'checkin', 'other', '1.0'),
    old(60, 'riskScore', 'boom', '1.0'),
  ];
  const store = { findEvents: async () => events } as unknown as Store;
  const answer = await new ErrorService(store).groups('server', { from: 0, to: 1000 });
  assert.deepEqual(answer.groups.map((g) => [g.count, 'where' in g && g.where, g.message, g.fingerprint]), [
    [6, 'fn:checkin', 'boom', fallbackFingerprint('Error', 'boom')],
    [1, 'fn:riskScore', 'boom', fallbackFingerprint('Error', 'boom')],
    [1, 'fn:checkin', 'other', fallbackFingerprint('Error', 'other')],
  ]);
  assert.deepEqual([answer.groups[0]?.firstSeen, answer.groups[0]?.lastSeen, answer.groups[0]?.releases], [100, 105, ['1.0', '1.1', '1.2', '1.3', '1.4']]);
  assert.deepEqual([answer.events, answer.truncated], [8, false]);
});
