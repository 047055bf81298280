/** Retention (SPEC.md §5): each log category is kept for its configured time, then deleted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/util/clock.js';
import { RetentionJob } from '../src/jobs/retention.js';
import { envelope, getJson, post, startPlatform } from './helpers.js';

const DAY = 86_400_000;

test('system logs go after 90 days, security audit stays 365 days, exceptions 3 years', async () => {
  const t0 = Date.now();
  const clock = new ManualClock(t0);
  const tp = await startPlatform({ clock });
  try {
    const r = await post(tp.url, tp.key, envelope([
      { type: 'api_request', side: 'server', route: '/api/x', duration: 10, ok: true },
      { type: 'feature_use', feature: 'checkin' },
      { type: 'auth_failure', source: '10.0.0.0' },
      { type: 'crash', reason: 'abnormal_exit' },
    ], { sentAt: t0 }));
    assert.equal(r.json.accepted, 4);
    const job = new RetentionJob(tp.platform.store, tp.platform.config, clock, tp.platform.logger);
    const types = async () =>
      (await getJson<{ events: { type: string }[] }>(`${tp.url}/api/v1/events?from=${t0 - DAY}&to=${t0 + DAY}&limit=100`)).events.map((e) => e.type).sort();
    clock.set(t0 + 91 * DAY);
    await job.runOnce();
    assert.deepEqual(await types(), ['auth_failure', 'crash', 'feature_use']);
    clock.set(t0 + 181 * DAY);
    await job.runOnce();
    assert.deepEqual(await types(), ['auth_failure', 'crash']);
    clock.set(t0 + 366 * DAY);
    await job.runOnce();
    assert.deepEqual(await types(), ['crash']);
  } finally {
    await tp.close();
  }
});
