/**
 * Demo acceptance: a quiet run over a full simulated day raises no alert. The platform lives on
 * the simulator's clock (day mode), so its 5 min / 15 min / 1 h windows, its daily metrics, the
 * night trough (too few samples to judge) and the morning ramp all happen, with sessions per
 * simulated hour from the daily rhythm: 120 users, 3 sessions an hour each at the peak. The
 * clock waits for the traffic, so a loaded machine takes longer rather than thinning the day.
 * That the same rig can fail: day-fault.int.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert } from '../../src/alerting/model.js';
import { ManualClock } from '../../src/util/clock.js';
import { getJson, sleep } from '../helpers.js';
import { HOUR, hhmm, runClock, startDayRig, YESTERDAY } from './kit.js';

const MIDNIGHT = YESTERDAY;
const UNTIL = 24 * HOUR;
const live = (s: string) => s !== 'insufficient' && s !== 'no_data';
const describe = (alerts: Alert[]) => alerts.map((a) => `${a.metricId} ${a.level} value=${a.value} threshold=${a.threshold} at ${hhmm(a.startsAt)} (${a.status})`);

type Metric = { id: string; value: number | null; samples: number; minSamples: number; state: string; details?: Record<string, number> };

test('a quiet simulated day (00:00→24:00 Asia/Shanghai) raises no alert', { timeout: 600_000 }, async () => {
  const clock = new ManualClock(MIDNIGHT);
  // (real time: the day rig's performance.now() leaves out host stalls)
  const realStart = Date.now();
  const rig = await startDayRig(clock);
  try {
    const hours: { hour: number; live: number; sessions: number; rows: string[] }[] = [];
    const raised: Alert[] = [];
    // what the collector masked as personal data (the data-leak rule counts it): which field, when
    const masked: string[] = [];
    rig.tp.platform.writer.onCommit((batches) => {
      for (const { write } of batches) {
        if (!write.pii || !Object.values(write.pii).some((n) => (n ?? 0) > 0)) continue;
        const fields = write.events.flatMap((e) => Object.entries(e).filter(([k, v]) => typeof v === 'string' && (/\[(mobile|card|id|email|openid)\]/.test(v) || (k === 'id' && v.startsWith('u_')))).map(([k, v]) => `${e.type}.${k}=${String(v)}`));
        masked.push(`${hhmm(clock.now())} ${write.sdk} ${JSON.stringify(write.pii)} ${fields.join(' ') || '(in ctx or nested)'}`);
      }
    });
    await runClock(clock, MIDNIGHT + UNTIL + 5 * 60_000, async (t) => {
      const hour = Math.round((t - MIDNIGHT) / HOUR);
      const rows = await rig.matrix();
      const s = rig.sim.snapshot();
      hours.push({ hour, live: rows.filter((r) => live(r.state)).length, sessions: s.sessions, rows: rows.filter((r) => !live(r.state)).map((r) => r.metric) });
      for (const a of await rig.alerts()) {
        if (raised.some((x) => x.id === a.id)) continue;
        raised.push(a);
        console.log('ALERT', describe([a])[0]);
      }
      const last = hours[hours.length - 1]!;
      console.log(`${String(hour).padStart(2, '0')}:00 sim, ${Math.round((Date.now() - realStart) / 1000)} s real: ${last.live}/${rows.length} matrix rows live, ${s.sessions} sessions, ${s.skipped} held ticks, SOS ${s.backend.sos}/${s.backend.sosAnswered}; not live: ${last.rows.join(' ')}`);
    });
    const daily: Record<string, Metric> = {};
    for (const id of ['task_completion_rate', 'feature_usage_rate', 'user_retention', 'crash_rate', 'sos_response_time']) {
      daily[id] = await getJson<Metric>(`${rig.tp.url}/api/v1/metrics/${id}`);
    }
    await rig.sim.stop();
    const stats = rig.sim.snapshot();
    // what the collector accepted, less what it already had
    const delivered = stats.nodeSdk.delivered - stats.nodeSdk.duplicates + stats.miniProgramSdk.delivered - stats.miniProgramSdk.duplicates;
    const committed = async () => (await rig.tp.platform.telemetry.committed.get()).values.reduce((a, v) => a + v.value, 0);
    // the last batches are committed a moment after the SDKs' sends return
    let stored = await committed();
    for (let i = 0; i < 50 && stored < delivered; i++) {
      await sleep(100);
      stored = await committed();
    }
    for (const a of await rig.alerts()) if (!raised.some((x) => x.id === a.id)) raised.push(a);
    console.log(`host stalls left out of the back end's durations: ${rig.stalls.count}, ${Math.round(rig.stalls.totalMs)} ms in all, longest ${Math.round(rig.stalls.maxMs)} ms`);
    console.log(`day done in ${Math.round((Date.now() - realStart) / 1000)} s real`, JSON.stringify(stats));
    console.log('daily metrics at 24:05:', Object.values(daily).map((m) => `${m.id}=${m.value} (${m.state}, ${m.samples}/${m.minSamples} samples${m.details ? ' ' + JSON.stringify(m.details) : ''})`).join('; '));
    console.log(`events delivered by the SDKs ${delivered} (node ${stats.nodeSdk.delivered}, mini-program ${stats.miniProgramSdk.delivered}, duplicates ${stats.nodeSdk.duplicates + stats.miniProgramSdk.duplicates}), stored ${stored}`);

    if (masked.length) console.log('masked as personal data:', masked);
    assert.deepEqual(describe(raised), [], `no alert at any point of the day${masked.length ? `; masked as personal data: ${masked.join('; ')}` : ''}`);
    assert.deepEqual(rig.rx.outbox(), []);
    // the matrix follows the day: most rows live in the daytime, fewer in the night trough
    const liveAt = (h: number) => hours.find((x) => x.hour === h)?.live ?? 0;
    console.log('live matrix rows by hour:', hours.map((h) => `${h.hour}:${h.live}`).join(' '));
    assert.deepEqual(hours.map((h) => h.hour), Array.from({ length: UNTIL / HOUR + 1 }, (_, i) => i), 'an observation every simulated hour, 00:00 to 24:00');
    const daytime = hours.filter((h) => h.hour >= 9 && h.hour <= 22);
    // (a row can be short of samples in the odd 5-minute window; on average most are live)
    const byDay = daytime.map((h) => `${h.hour}:${h.live}`).join(' ');
    assert.ok(daytime.every((h) => h.live >= 12), `≥ 12 matrix rows live every daytime hour: ${byDay}`);
    assert.ok(daytime.reduce((a, h) => a + h.live, 0) / daytime.length >= 14, `≥ 14 rows live on average by day: ${byDay}`);
    assert.ok(liveAt(4) < liveAt(20), `fewer rows live at 04:00 (${liveAt(4)}) than at 20:00 (${liveAt(20)})`);
    // sessions follow the rhythm: the evening hour carries several times the night hour
    const perHour = (h: number) => (hours.find((x) => x.hour === h + 1)?.sessions ?? 0) - (hours.find((x) => x.hour === h)?.sessions ?? 0);
    assert.ok(perHour(19) > 4 * perHour(3), `sessions 19–20h ${perHour(19)} vs 03–04h ${perHour(3)}`);
    // daily metrics computed for the day on real sample counts
    const tcr = daily.task_completion_rate!;
    assert.equal(tcr.state, 'ok', `task completion ${JSON.stringify(tcr)}`);
    assert.ok(tcr.samples >= tcr.minSamples);
    assert.ok(daily.crash_rate!.state !== 'warning' && daily.crash_rate!.state !== 'critical');
    assert.equal(daily.sos_response_time!.details?.open, 0);
    // every SOS of the day answered, none alerted (the real 30 s / 60 s limits, simulated seconds)
    assert.ok(stats.backend.sos > 0, 'someone pressed SOS during the day');
    assert.equal(stats.backend.sosAnswered, stats.backend.sos);
    assert.ok((daily.sos_response_time!.details?.maxSeconds ?? 99) < 30, `slowest answer ${daily.sos_response_time!.details?.maxSeconds} s`);
    // nothing lost between the SDKs and storage
    assert.equal(stats.nodeSdk.dropped + stats.miniProgramSdk.dropped, 0);
    assert.equal(stored, delivered);
  } finally {
    await rig.close();
  }
});
