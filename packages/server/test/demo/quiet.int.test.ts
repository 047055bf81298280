/**
 * Demo acceptance: with the time-compressed simulator, most rows of the monitoring matrix carry
 * live values within 60 s of start, users who leave the check-in flow show as funnel exits, and
 * healthy traffic raises no alert.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getJson, sleep } from '../helpers.js';
import type { FunnelsAnswer } from '../../src/funnels/service.js';
import { startDemoRig } from './kit.js';

test('quiet demo traffic: most matrix rows live within 60 s, no alert raised', async () => {
  const rig = await startDemoRig({ users: 2000, speed: 60, lanes: 12 });
  try {
    const started = Date.now();
    const rows = await rig.waitFor(
      'most matrix rows live',
      async () => {
        const r = await rig.matrix();
        return r.filter((x) => x.state !== 'insufficient' && x.state !== 'no_data').length >= 14 ? r : null;
      },
      60_000,
    );
    const live = rows.filter((x) => x.state !== 'insufficient' && x.state !== 'no_data');
    console.log(`live after ${Date.now() - started} ms: ${live.length}/${rows.length}`, rows.map((r) => `${r.metric}=${r.state}:${r.value}`).join(' '));
    assert.ok(live.length >= 14, `${live.length} live rows`);
    assert.ok(Date.now() - started < 60_000);
    await sleep(3000);
    const stats = rig.sim.snapshot();
    console.log(JSON.stringify(stats));
    assert.ok(stats.sessions > 0, `sessions ${stats.sessions}`);
    assert.equal(stats.nodeSdk.dropped, 0);
    // the funnel timeout follows the simulator's speed (30 min of simulated time = 30 s here), so
    // the demo users who leave the check-in flow show up as exits while the newcomer watches
    const funnels = await rig.waitFor(
      'check-in funnel exits',
      async () => {
        const r = await getJson<FunnelsAnswer>(`${rig.tp.url}/api/funnels`);
        const checkin = r.funnels.find((f) => f.name === 'checkin');
        return checkin && checkin.steps.some((s) => s.exits > 0) ? r : null;
      },
      60_000,
    );
    assert.equal(funnels.timeoutMs, 30_000);
    const alerts = await rig.alerts();
    assert.deepEqual(alerts.map((a) => `${a.metricId} ${a.level} ${a.value}`), []);
    assert.deepEqual(rig.rx.outbox(), []);
  } finally {
    await rig.close();
  }
});
