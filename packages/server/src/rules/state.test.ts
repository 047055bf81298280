import { test } from 'node:test';
import assert from 'node:assert/strict';
import { step, type Observation, type ObservedState, type RuleState } from './state.js';

const W = 5 * 60_000;
function obs(at: number, state: ObservedState, level: Observation['level'] = null, value: number | null = 1): Observation {
  return { key: 'api_response_time', metricId: 'api_response_time', labels: {}, state, value, level, windowMs: W, at };
}

function run(seq: Array<[number, ObservedState, Observation['level']?]>) {
  let s: RuleState | null = null;
  const all: Array<{ at: number; kinds: string[] }> = [];
  for (const [at, st, level] of seq) {
    const r = step(s, obs(at, st, level ?? null));
    s = r.next;
    all.push({ at, kinds: r.events.map((e) => e.kind) });
  }
  return { state: s, events: all };
}

test('a breach fires at once; resolution waits for a full window of normal values', () => {
  const { events, state } = run([
    [0, 'ok'],
    [60_000, 'warning', 'P2'],
    [120_000, 'ok'],
    [120_000 + W - 1, 'ok'],
    [120_000 + W, 'ok'],
  ]);
  assert.deepEqual(events[1]?.kinds, ['fire']);
  assert.deepEqual(events[3]?.kinds, ['value'], 'not yet a full window');
  assert.deepEqual(events[4]?.kinds, ['resolve']);
  assert.equal(state?.status, 'ok');
});

test('warning → critical upgrades the level; critical → warning keeps it', () => {
  const { events, state } = run([
    [0, 'warning', 'P2'],
    [60_000, 'critical', 'P1'],
    [120_000, 'warning', 'P2'],
  ]);
  assert.deepEqual(events.map((e) => e.kinds), [['fire'], ['upgrade'], ['value']]);
  assert.equal(state?.level, 'P1');
});

test('no data is its own state: it neither resolves a firing alert nor fires one, and restarts the hysteresis clock', () => {
  const { events, state } = run([
    [0, 'critical', 'P1'],
    [60_000, 'ok'],
    [120_000, 'insufficient'],
    [60_000 + W, 'ok'],
    [60_000 + W + 60_000, 'ok'],
  ]);
  assert.deepEqual(events[2]?.kinds, ['no_data']);
  assert.deepEqual(events[3]?.kinds, ['value'], 'the okSince clock restarted after no-data');
  assert.equal(state?.status, 'firing');
  const quiet = run([[0, 'insufficient'], [60_000, 'insufficient']]);
  assert.equal(quiet.state?.status, 'no_data');
  assert.deepEqual(quiet.events.map((e) => e.kinds), [['no_data'], []]);
});

test('a metric oscillating at the threshold pages once and is marked flapping', () => {
  const seq: Array<[number, ObservedState, Observation['level']?]> = [];
  for (let i = 0; i < 10; i++) seq.push([i * 60_000, i % 2 === 0 ? 'warning' : 'ok', 'P2']);
  const { events, state } = run(seq);
  assert.equal(events.flatMap((e) => e.kinds).filter((k) => k === 'fire').length, 1);
  assert.equal(events.flatMap((e) => e.kinds).filter((k) => k === 'resolve').length, 0);
  assert.ok(events[5]?.kinds.includes('flapping'), 'the 5th change in an hour marks flapping');
  assert.equal(state?.flapping, true);
});
