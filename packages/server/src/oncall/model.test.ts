import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Directory } from './directory.js';
import { nextHandoff, onCallAt, swapOverrides, type Rotation } from './model.js';

// Monday 2025-01-06 10:00 Asia/Shanghai
const MON = Date.UTC(2025, 0, 6, 2, 0);
const H = 3_600_000;
const WEEK = 7 * 24 * H;

const rotation: Rotation = {
  id: 'ops-primary',
  role: 'ops_engineer',
  layers: [
    { name: '24x7', members: ['alice', 'bob', 'carol'], start: MON, handoffMs: WEEK },
    { name: 'weekday-day', members: ['dave'], start: MON, handoffMs: WEEK, restriction: { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' } },
  ],
  overrides: [],
};

test('weekly hand-offs at Monday 10:00 Shanghai, round robin, with a daytime layer on top', () => {
  assert.equal(onCallAt(rotation, MON + 10 * H), 'alice'); // Monday 20:00
  assert.equal(onCallAt(rotation, MON + 2 * H), 'dave'); // Monday 12:00, weekday daytime layer
  assert.equal(onCallAt(rotation, MON + 5 * 24 * H + 2 * H), 'alice'); // Saturday 12:00, no daytime layer
  assert.equal(onCallAt(rotation, MON + WEEK + 10 * H), 'bob');
  assert.equal(onCallAt(rotation, MON + 3 * WEEK + 10 * H), 'alice');
  assert.equal(onCallAt(rotation, MON + WEEK - 2 * H), 'alice', 'next Monday 08:00: alice until the 10:00 hand-off');
  assert.equal(nextHandoff(rotation, MON + 10 * H), MON + WEEK);
});

test('overrides and swaps take precedence', () => {
  const r: Rotation = {
    ...rotation,
    overrides: [{ personId: 'erin', start: MON + 8 * H, end: MON + 20 * H, note: 'holiday cover' }, ...swapOverrides('alice', [MON, MON + WEEK], 'bob', [MON + WEEK, MON + 2 * WEEK])],
  };
  assert.equal(onCallAt(r, MON + 10 * H), 'erin');
  assert.equal(onCallAt(r, MON + 30 * H), 'bob', 'bob covers alice’s week');
  assert.equal(onCallAt(r, MON + WEEK + 30 * H), 'alice');
});

test('the directory resolves roles, on-call and the matrix responder to people', () => {
  const dir = new Directory(
    [
      { id: 'alice', name: 'Alice', roles: ['ops_engineer'], mobile: '13800000001' },
      { id: 'bob', name: 'Bob', roles: ['ops_engineer'] },
      { id: 'carol', name: 'Carol', roles: ['ops_engineer'] },
      { id: 'dave', name: 'Dave', roles: ['ops_engineer'] },
      { id: 'lin', name: 'Lin', roles: ['ops_lead'] },
      { id: 'wu', name: 'Wu', roles: ['dba'] },
      { id: 'xu', name: 'Xu', roles: ['dba'] },
    ],
    [rotation],
  );
  const at = MON + 10 * H;
  assert.deepEqual(dir.resolve(['oncall:ops_engineer', 'ops_lead', 'responder'], at, 'dba').map((p) => p.id), ['alice', 'lin', 'wu', 'xu']);
  assert.deepEqual(dir.resolve(['ops_engineer'], at).map((p) => p.id), ['alice'], 'a role with a rotation pages who is on call');
  assert.deepEqual(dir.resolve(['person:wu', 'oncall:dba'], at).map((p) => p.id), ['wu', 'xu']);
  assert.deepEqual(dir.resolve(['all:ops_engineer'], at).map((p) => p.id), ['alice', 'bob', 'carol', 'dave'], 'all:<role> reaches everyone holding it, on call or not');
});
