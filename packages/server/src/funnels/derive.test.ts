import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveFunnel, type FunnelStepEvent } from './derive.js';

const CHECKIN = { name: 'checkin', steps: ['open', 'choose_mood', 'submit', 'success'] };
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 28, 8);
const opts = { from: T0, to: T0 + 60 * MIN, now: T0 + 120 * MIN, timeoutMs: 30 * MIN };

/** Steps of one session, one minute apart from `at` (minutes after T0). */
const session = (sid: string, at: number, ...steps: string[]): FunnelStepEvent[] => steps.map((step, i) => ({ funnel: 'checkin', step, sid, t: T0 + (at + i) * MIN }));
/** reached and exits per step, in order */
const shape = (r: ReturnType<typeof deriveFunnel>) => r.steps.map((s) => [s.step, s.reached, s.exits]);

test('a run that reaches the last step is completed, not an exit', () => {
  const r = deriveFunnel(CHECKIN, session('s1', 0, 'open', 'choose_mood', 'submit', 'success'), opts);
  assert.deepEqual({ runs: r.runs, completed: r.completed, inProgress: r.inProgress }, { runs: 1, completed: 1, inProgress: 0 });
  assert.deepEqual(shape(r), [['open', 1, 0], ['choose_mood', 1, 0], ['submit', 1, 0], ['success', 1, 0]]);
});

test('a step at or below the open run\'s step ends it as an exit at its last step and starts a new run', () => {
  // open → choose_mood → open (restart: exit at choose_mood) → choose_mood → choose_mood (exit at choose_mood again) → submit → success
  const r = deriveFunnel(CHECKIN, session('s1', 0, 'open', 'choose_mood', 'open', 'choose_mood', 'choose_mood', 'submit', 'success'), opts);
  assert.equal(r.runs, 3);
  assert.equal(r.completed, 1);
  assert.deepEqual(shape(r), [['open', 2, 0], ['choose_mood', 3, 2], ['submit', 1, 0], ['success', 1, 0]]);
});

test('a run with no step for the timeout is an exit at its last step; one still within it is in progress', () => {
  const timedOut = session('s1', 0, 'open', 'choose_mood'); // last step at T0+1m, now is T0+120m
  const fresh = session('s2', 100, 'open', 'choose_mood', 'submit'); // last step at T0+102m: 18 min ago
  const r = deriveFunnel(CHECKIN, [...timedOut, ...fresh], { ...opts, to: T0 + 110 * MIN });
  assert.deepEqual({ runs: r.runs, completed: r.completed, inProgress: r.inProgress }, { runs: 2, completed: 0, inProgress: 1 });
  assert.deepEqual(shape(r), [['open', 2, 0], ['choose_mood', 2, 1], ['submit', 1, 0], ['success', 0, 0]]);
  // exactly at the timeout it is an exit
  const edge = deriveFunnel(CHECKIN, fresh, { ...opts, to: T0 + 110 * MIN, now: T0 + 132 * MIN });
  assert.deepEqual([edge.inProgress, edge.steps[2]!.exits], [0, 1]);
});

test('a gap longer than the timeout between two steps ends the first run there', () => {
  const events = [...session('s1', 0, 'open'), ...session('s1', 40, 'choose_mood', 'submit', 'success')];
  const r = deriveFunnel(CHECKIN, events, opts);
  assert.deepEqual({ runs: r.runs, completed: r.completed }, { runs: 2, completed: 1 });
  assert.deepEqual(shape(r), [['open', 1, 1], ['choose_mood', 1, 0], ['submit', 1, 0], ['success', 1, 0]]);
});

test('steps not in the definition, older SDKs\' (exit) events, other funnels and their index are ignored', () => {
  const events: FunnelStepEvent[] = [
    ...session('s1', 0, 'open', 'mood', 'choose_mood', '(exit)', 'submit', 'success'),
    { funnel: 'onboarding', step: 'open', sid: 's1', t: T0 + 3 * MIN },
  ];
  const r = deriveFunnel(CHECKIN, events, opts);
  assert.deepEqual({ runs: r.runs, completed: r.completed }, { runs: 1, completed: 1 });
  assert.deepEqual(shape(r), [['open', 1, 0], ['choose_mood', 1, 0], ['submit', 1, 0], ['success', 1, 0]]);
});

test('sessions are replayed apart and in time order, whatever order the events come in', () => {
  const a = session('a', 0, 'open', 'choose_mood', 'submit', 'success');
  const b = session('b', 1, 'open', 'choose_mood', 'submit'); // interleaved with a; times out
  const r = deriveFunnel(CHECKIN, [...a, ...b].reverse(), opts);
  assert.deepEqual({ runs: r.runs, completed: r.completed, inProgress: r.inProgress }, { runs: 2, completed: 1, inProgress: 0 });
  assert.deepEqual(shape(r), [['open', 2, 0], ['choose_mood', 2, 0], ['submit', 2, 1], ['success', 1, 0]]);
});

test('without a session id events are grouped by user; with neither they are counted as unattributed', () => {
  const events: FunnelStepEvent[] = [
    { funnel: 'checkin', step: 'open', uid: 'u1', t: T0 },
    { funnel: 'checkin', step: 'choose_mood', uid: 'u1', t: T0 + MIN },
    { funnel: 'checkin', step: 'open', t: T0 },
    { funnel: 'checkin', step: 'submit', t: T0 + MIN },
    { funnel: 'checkin', step: '(exit)', t: T0 + 2 * MIN },
  ];
  const r = deriveFunnel(CHECKIN, events, opts);
  assert.equal(r.unattributed, 2, 'the (exit) event is ignored, not unattributed');
  assert.equal(r.runs, 1);
  assert.deepEqual(shape(r), [['open', 1, 0], ['choose_mood', 1, 1], ['submit', 0, 0], ['success', 0, 0]]);
});

test('a run that started before `from` is followed but not counted; one starting in range that ends after `to` is', () => {
  const before = session('s1', -5, 'open', 'choose_mood', 'submit', 'success', 'open'); // the second run starts at T0-1m
  const straddles = session('s2', 59, 'open', 'choose_mood', 'submit', 'success'); // starts at T0+59m, ends after `to`
  const r = deriveFunnel(CHECKIN, [...before, ...straddles], opts);
  assert.deepEqual({ runs: r.runs, completed: r.completed }, { runs: 1, completed: 1 });
  // a run's steps inside the range belong to it when it started before the range: no new run there
  const mid = session('s3', -2, 'open', 'choose_mood', 'submit'); // steps at T0-2m, T0-1m, T0: one run, started before from
  assert.equal(deriveFunnel(CHECKIN, mid, opts).runs, 0);
  assert.equal(deriveFunnel(CHECKIN, mid.slice(2), opts).runs, 1, 'seen alone, its last step would start a run in range');
});

test('the step counts add up: runs = completed + in progress + exits', () => {
  const events = [
    ...session('a', 0, 'open', 'choose_mood', 'submit', 'success'),
    ...session('b', 0, 'open'),
    ...session('c', 0, 'open', 'choose_mood', 'open', 'choose_mood', 'submit'),
    ...session('d', 59, 'open', 'choose_mood'),
  ];
  const r = deriveFunnel(CHECKIN, events, { ...opts, now: T0 + 70 * MIN });
  const exits = r.steps.reduce((n, s) => n + s.exits, 0);
  assert.equal(r.runs, r.completed + r.inProgress + exits);
  assert.deepEqual({ runs: r.runs, completed: r.completed, inProgress: r.inProgress, exits }, { runs: 5, completed: 1, inProgress: 1, exits: 3 });
});

test('steps taken in the same millisecond keep the order they were taken in (by SDK event id), whatever order they are stored in', () => {
  // one handler: choose_mood, submit and success in the same millisecond; ids are base36 ms + sequence
  const t = T0 + MIN;
  const steps: FunnelStepEvent[] = [
    { funnel: 'checkin', step: 'open', sid: 's1', t: T0, ts: T0, id: '0mwyj148500a1b2c3d4' },
    { funnel: 'checkin', step: 'choose_mood', sid: 's1', t, ts: t, id: '0mwyj14ak00x9y8z7w6' },
    { funnel: 'checkin', step: 'submit', sid: 's1', t, ts: t, id: '0mwyj14ak01a1a1a1a1' },
    { funnel: 'checkin', step: 'success', sid: 's1', t, ts: t, id: '0mwyj14ak02b2b2b2b2' },
  ];
  const r = deriveFunnel(CHECKIN, [...steps].reverse(), opts);
  assert.deepEqual({ runs: r.runs, completed: r.completed }, { runs: 1, completed: 1 });
  assert.deepEqual(shape(r), [['open', 1, 0], ['choose_mood', 1, 0], ['submit', 1, 0], ['success', 1, 0]]);
});

test('one session\'s steps follow its own clock, not the per-batch skew correction that can swap them', () => {
  // open was sent in a later batch whose skew estimate moved it 400 ms later than the next two
  const steps: FunnelStepEvent[] = [
    { funnel: 'checkin', step: 'open', sid: 's1', ts: T0, t: T0 + 5_400, id: '0mwyj148500a1b2c3d4' },
    { funnel: 'checkin', step: 'choose_mood', sid: 's1', ts: T0 + 4_000, t: T0 + 5_000, id: '0mwyj14ak00x9y8z7w6' },
    { funnel: 'checkin', step: 'submit', sid: 's1', ts: T0 + 4_000, t: T0 + 5_000, id: '0mwyj14ak01a1a1a1a1' },
  ];
  const r = deriveFunnel(CHECKIN, steps, opts);
  assert.deepEqual({ runs: r.runs, inProgress: r.inProgress }, { runs: 1, inProgress: 0 });
  assert.deepEqual(shape(r), [['open', 1, 0], ['choose_mood', 1, 0], ['submit', 1, 1], ['success', 0, 0]]);
});
