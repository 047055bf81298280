/**
 * Funnels end to end on SQLite and PostgreSQL: `funnel_step` events posted through the real
 * collector as the mini-program SDK sends them (no index; older SDKs' index, run id and `(exit)`
 * events too), and `GET /api/funnels` derives runs, exits and completions per session.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAndDrop, ingestAll, PG_URL, startPlatform, testConfig, type Ev, type TestPlatform } from '../../test/helpers.js';
import { systemClock } from '../util/clock.js';
import { FunnelService, funnelSettings, type FunnelsAnswer } from './service.js';

const MIN = 60_000;
const MP = { sdk: 'mgops-miniprogram' };

/** One session's steps, one minute apart, starting `ago` minutes before now (new SDK: no index). */
const steps = (now: number, sid: string, ago: number, ...names: string[]): Ev[] => names.map((step, i) => ({ type: 'funnel_step', funnel: 'checkin', step, sid, ts: now - (ago - i) * MIN, page: 'pages/checkin/checkin' }));

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`funnels on ${engine}`, () => {
    const pgSchema = engine === 'postgres' ? `mgops_funnels_${process.pid}` : undefined;
    let tp: TestPlatform;
    let now = 0;
    const funnels = async (query = '') => {
      const res = await fetch(`${tp.url}/api/funnels${query}`);
      return { status: res.status, body: (await res.json()) as FunnelsAnswer & { code?: string; field?: string } };
    };

    before(async () => {
      tp = await startPlatform({ config: testConfig((c) => pgSchema && (c.storage = { engine: 'postgres', postgresUrl: PG_URL, postgresSchema: pgSchema })) });
      now = Date.now();
      const events: Ev[] = [
        ...steps(now, 'sess-a-0001', 50, 'open', 'choose_mood', 'submit', 'success'), // completed
        ...steps(now, 'sess-b-0001', 45, 'open', 'choose_mood'), // no step for 30 min: left at choose_mood
        ...steps(now, 'sess-c-0001', 10, 'open', 'choose_mood', 'open'), // restart: left at choose_mood; the new run is in progress
        { type: 'funnel_step', funnel: 'checkin', step: 'mood', sid: 'sess-c-0001', ts: now - 7 * MIN }, // not a configured step
        { type: 'funnel_step', funnel: 'checkin', step: 'open', ts: now - 20 * MIN }, // no session, no user: unattributed
      ];
      // an older SDK: index, run id and a synthetic (exit) when the run timed out
      const old: Ev[] = [
        { type: 'funnel_step', funnel: 'checkin', step: 'open', index: 0, sid: 'sess-d-0001', ts: now - 40 * MIN, attrs: { run: 'r1' } },
        { type: 'funnel_step', funnel: 'checkin', step: 'choose_mood', index: 1, sid: 'sess-d-0001', ts: now - 39 * MIN, attrs: { run: 'r1' } },
        { type: 'funnel_step', funnel: 'checkin', step: '(exit)', index: 1, sid: 'sess-d-0001', ts: now - 5 * MIN, attrs: { run: 'r1', after: 'choose_mood' } },
      ];
      for (const batch of [events, old]) {
        await ingestAll(tp, batch, { ...MP, sentAt: now });
      }
    });

    after(async () => {
      if (tp) await closeAndDrop(tp, pgSchema);
    });

    test('runs, completions, exits per step and runs in progress over the last 24 h', async () => {
      const { status, body } = await funnels();
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.truncated, false);
      assert.equal(body.timeoutMs, 30 * MIN);
      assert.ok(Math.abs(body.to - body.from - 24 * 60 * MIN) < 1);
      const [checkin] = body.funnels;
      assert.deepEqual(
        { name: checkin?.name, runs: checkin?.runs, completed: checkin?.completed, inProgress: checkin?.inProgress, unattributed: checkin?.unattributed },
        { name: 'checkin', runs: 5, completed: 1, inProgress: 1, unattributed: 1 },
      );
      assert.deepEqual(checkin?.steps, [
        { step: 'open', index: 0, reached: 5, exits: 0 },
        { step: 'choose_mood', index: 1, reached: 4, exits: 3 },
        { step: 'submit', index: 2, reached: 1, exits: 0 },
        { step: 'success', index: 3, reached: 1, exits: 0 },
      ]);
      // one app's funnels
      assert.equal((await funnels('?app=mindguard')).body.funnels[0]?.runs, 5);
      assert.equal((await funnels('?app=another-app')).body.funnels[0]?.runs, 0);
    });

    test('only runs that start in the range count; those started before it are followed, not counted', async () => {
      // from 42 min ago: sessions a and b started before; c (two runs) and the old SDK's d count
      const { body } = await funnels(`?from=${now - 42 * MIN}&to=${now}`);
      const [checkin] = body.funnels;
      assert.deepEqual([checkin?.runs, checkin?.completed, checkin?.inProgress], [3, 0, 1]);
      assert.deepEqual(checkin?.steps.map((s) => [s.reached, s.exits]), [[3, 0], [2, 2], [0, 0], [0, 0]]);
      // relative times work like the other read routes
      const rel = await funnels('?from=now-42m');
      assert.equal(rel.body.funnels[0]?.runs, 3);
    });

    test('reading more events than the cap says truncated', async () => {
      const capped = new FunnelService(tp.platform.store, () => funnelSettings(tp.platform.config), systemClock, 5);
      const answer = await capped.report(now - 60 * MIN, now);
      assert.equal(answer.truncated, true);
      const all = new FunnelService(tp.platform.store, () => funnelSettings(tp.platform.config), systemClock);
      assert.equal((await all.report(now - 60 * MIN, now)).truncated, false);
    });

    test('a bad query is a 400 naming the field', async () => {
      const bad = await funnels('?from=yesterday');
      assert.equal(bad.status, 400);
      assert.deepEqual([bad.body.code, bad.body.field], ['INVALID_FIELD', 'from']);
      const backwards = await funnels(`?from=${now}&to=${now - MIN}`);
      assert.equal(backwards.status, 400);
      assert.equal(backwards.body.field, 'from');
      const to = await funnels('?to=now-banana');
      assert.deepEqual([to.status, to.body.field], [400, 'to']);
    });
  });
}
