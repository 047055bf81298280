import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplesOf, type Sample, type SampleSettings } from './samples.js';
import type { BatchMeta, StoredEvent } from '../storage/store.js';

const meta: BatchMeta = { app: 'mindguard', env: 'production', sdk: 'mgops-miniprogram', receivedAt: 0 };
const cfg: SampleSettings = { slowQueryMs: 200, aiTimeLimitMs: 30_000, dbConnectionsMax: 100, funnels: { checkin: ['open', 'choose_mood', 'submit', 'success'] } };
const funnel = (funnel: string, step: string, index?: number): StoredEvent => ({ type: 'funnel_step', id: 'ev-00000001', ts: 0, t: 0, funnel, step, ...(index === undefined ? {} : { index }) });
const samples = (e: StoredEvent) => {
  const out: Sample[] = [];
  samplesOf(e, meta, cfg, out);
  return out.map((x) => [x.series, x.value, x.dims]);
};

test('funnel steps: the configured flow gives the index; unconfigured steps and (exit) are skipped', () => {
  assert.deepEqual(samples(funnel('checkin', 'submit')), [['funnel:checkin', 2, [['step', '2:submit']]]]);
  assert.deepEqual(samples(funnel('checkin', 'submit', 7)), [['funnel:checkin', 2, [['step', '2:submit']]]], 'the configured definition wins over an old SDK\'s index');
  assert.deepEqual(samples(funnel('checkin', '(exit)', 1)), []);
  assert.deepEqual(samples(funnel('checkin', 'mood')), []);
  // a funnel the platform does not define keeps the index an older SDK sent, and is skipped without one
  assert.deepEqual(samples(funnel('onboarding', 'start', 0)), [['funnel:onboarding', 0, [['step', '0:start']]]]);
  assert.deepEqual(samples(funnel('onboarding', 'start')), []);
});
