/**
 * The two timelines every SPEC.md §2 row goes through (rows.ts says which data each phase posts):
 *
 *  lifecycle    few → nothing; warn → the warn level, paged to the level's people on its channels;
 *               crit → upgraded to the crit level, re-paged; normal for a full window → resolved
 *               once, one resolved notice; more normal data → nothing more.
 *  oscillation  breach / normal alternating for an hour (or two windows for long windows) → one
 *               alert, one firing page, never resolved; flapping marked when > 4 changes an hour.
 *
 * Phases are one window and a minute apart, so each evaluation sees exactly one phase's batch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Level } from '../../src/config/schema.js';
import { parseDuration } from '../../src/util/duration.js';
import {
  HOUR, MIN, S, T0, alerts, assertPaged, expectedPeople, levelsOf, mark, noRejections, postAt, startChain, timeline, turn,
  type Parts, type Received,
} from './harness.js';
import { row, type Phase, type Row } from './rows.js';

const fmt = (ms: number) => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`);

export function lifecycleName(r: Row): string {
  const few = r.detected ? 'under the detection limit → nothing' : 'below min samples → nothing';
  const stages = [r.data.few ? few : null, r.warn ? `warn → ${r.warn}` : null, `${r.detected ? 'detected' : 'crit'} → ${r.crit}`, `${r.detected ? 'a clean' : 'normal for a full'} window → resolved once`];
  return `${r.id} (${fmt(r.windowMs)}): ${stages.filter(Boolean).join('; ')}`;
}

export function oscillationName(r: Row): string {
  const what = r.detected ? 'detected / clean by turns' : `oscillating at its ${r.warn ? 'warn' : 'crit'} threshold`;
  return `${r.id}: ${what} → one page, never resolved${flapsAt(r) ? ', marked flapping' : ''}`;
}

const stepOf = (r: Row) => r.windowMs + MIN;
/** after this, the page's group wait has passed (and a 1-minute window still holds the batch) */
const dispatchAfter = (r: Row) => (r.windowMs <= MIN ? 31 * S : 61 * S);
const oscillationTicks = (r: Row) => (stepOf(r) <= 15 * MIN ? Math.ceil(HOUR / stepOf(r)) + 1 : 4);
/** SPEC: flapping = more than 4 state changes within an hour (counted at the last tick) */
function flapsAt(r: Row): boolean {
  const n = oscillationTicks(r);
  const last = (n - 1) * stepOf(r);
  const changes = Array.from({ length: n - 1 }, (_, i) => (i + 1) * stepOf(r)).filter((t) => t > last - HOUR);
  return changes.length > 4;
}

function checkAgainstConfig(p: Parts, r: Row): void {
  const mc = p.tp.platform.config.metrics[r.id];
  assert.ok(mc, `${r.id} is configured`);
  assert.equal(mc.warnLevel ?? null, r.warn, `${r.id}: warn level in config/mindguard.yaml matches SPEC`);
  assert.equal(mc.critLevel, r.crit, `${r.id}: crit level matches SPEC`);
  assert.equal(parseDuration(mc.window ?? '5m'), r.windowMs, `${r.id}: window matches SPEC`);
  assert.equal(mc.responder, r.responder, `${r.id}: responder matches SPEC`);
}

const pageTitle = (level: Level, r: Row) => `[${level} 告警] ${r.nameZh}`;
const resolvedTitle = (level: Level, r: Row) => `[${level} 已恢复] ${r.nameZh}`;

function resolvedNotices(p: Parts, r: Row, level: Level): number {
  const t = resolvedTitle(level, r);
  return p.ding.messages.filter((m) => m.title.startsWith(t)).length + p.smtp.mails.filter((m) => m.subject.startsWith(t)).length;
}

async function onlyThisMetric(p: Parts, r: Row) {
  const all = await alerts(p);
  assert.deepEqual([...new Set(all.map((a) => a.metricId))], all.length ? [r.id] : [], 'no other metric raised an alert (no false alarm)');
  return all;
}

export async function lifecycle(r: Row): Promise<void> {
  const p = await startChain(r.edit);
  try {
    checkAgainstConfig(p, r);
    const levels = levelsOf(p);
    let k = 0;
    const phase = async (ph: Phase): Promise<Received> => {
      const t = T0 + k * stepOf(r);
      p.clock.set(t);
      const got = mark(p);
      const data = r.data[ph];
      assert.ok(data, `${r.id} has data for ${ph}`);
      await postAt(p, data(t, k));
      await turn(p);
      p.clock.set(t + dispatchAfter(r));
      await turn(p);
      k++;
      return got();
    };

    if (r.data.few) {
      const got = await phase('few');
      assert.deepEqual(await onlyThisMetric(p, r), [], 'below the minimum samples: no alert');
      assert.equal(got.ding.length + got.mails.length + got.sms.length + got.calls.length, 0, 'and no message');
    }
    let id: string | undefined;
    if (r.warn) {
      const at = p.clock.now();
      const got = await phase('warn');
      const [a, ...more] = await onlyThisMetric(p, r);
      assert.equal(more.length, 0, 'one alert');
      assert.equal(a?.level, r.warn, `warn breach raises ${r.warn}`);
      assert.equal(a?.status, 'firing');
      id = a?.id;
      assertPaged(got, pageTitle(r.warn, r), r.warn, levels[r.warn].channels, expectedPeople(p, r.warn, r.responder, at), `${r.id} warn`);
    }
    const critAt = T0 + k * stepOf(r);
    const got = await phase('crit');
    const all = await onlyThisMetric(p, r);
    assert.equal(all.length, 1, 'still one alert (an upgrade, not a second alert)');
    const a = all[0]!;
    if (id) assert.equal(a.id, id);
    assert.equal(a.level, r.crit, `crit breach raises ${r.crit}`);
    assert.equal(a.severity, r.detected ? 'detected' : 'critical');
    assertPaged(got, pageTitle(r.crit, r), r.crit, levels[r.crit].channels, expectedPeople(p, r.crit, r.responder, critAt), `${r.id} crit`);

    await phase('ok');
    assert.equal((await timeline(p, a.id)).filter((e) => e.kind === 'resolved').length, 0, 'normal for less than a window: not resolved yet');
    assert.equal((await alerts(p))[0]?.status, 'firing');
    await phase('ok');
    const done = (await alerts(p))[0];
    assert.equal(done?.status, 'resolved', 'normal for a full window: resolved');
    const resolvedChannels = levels[r.crit].channels.filter((c) => c === 'dingtalk' || c === 'email').length;
    assert.equal(resolvedNotices(p, r, r.crit), resolvedChannels, 'one resolved notice on each of the level\'s group channels');
    await phase('ok');
    assert.equal((await alerts(p)).length, 1, 'no new alert');
    assert.equal(resolvedNotices(p, r, r.crit), resolvedChannels, 'resolved exactly once');

    const kinds = (await timeline(p, a.id)).map((e) => e.kind);
    const count = (k: string) => kinds.filter((x) => x === k).length;
    assert.equal(count('opened'), 1);
    assert.equal(count('upgraded'), r.warn ? 1 : 0);
    assert.equal(count('resolved'), 1);
    noRejections(p);
  } finally {
    await p.close();
  }
}

export async function oscillation(r: Row): Promise<void> {
  const p = await startChain(r.edit);
  try {
    const breach: Phase = r.warn ? 'warn' : 'crit';
    const level = r.warn ?? r.crit;
    const n = oscillationTicks(r);
    for (let k = 0; k < n; k++) {
      const t = T0 + k * stepOf(r);
      p.clock.set(t);
      const data = r.data[k % 2 === 0 ? breach : 'ok'];
      assert.ok(data);
      await postAt(p, data(t, k));
      await turn(p);
      p.clock.set(t + dispatchAfter(r));
      await turn(p);
    }
    const elapsed = p.clock.now() - T0;
    const all = await onlyThisMetric(p, r);
    assert.equal(all.length, 1, `one alert over ${n} swings`);
    const a = all[0]!;
    assert.equal(a.status, 'firing', 'never resolved: normal never lasted a full window');
    assert.equal(a.level, level);
    const entries = await timeline(p, a.id);
    const reasons = entries.filter((e) => e.kind === 'notified').map((e) => e.detail.reason);
    assert.deepEqual(reasons.filter((x) => x === 'firing' || x === 'resolved'), ['firing'], 'paged once, no resolved notice');
    // reminders of an unacknowledged alert come at the level's repeat interval at most, never per swing
    const every = parseDuration(levelsOf(p)[level].repeatEvery ?? '1h');
    const reminders = reasons.filter((x) => x === 'repeat').length;
    assert.ok(reminders <= Math.floor(elapsed / every), `${reminders} reminders in ${elapsed / MIN} min at most one per ${every / MIN} min (${reasons.join(',')})`);
    const firing = pageTitle(level, r);
    assert.equal(p.ding.messages.filter((m) => m.title.startsWith(firing)).length + p.smtp.mails.filter((m) => m.subject.startsWith(firing)).length, levelsOf(p)[level].channels.filter((c) => c === 'dingtalk' || c === 'email').length, 'one firing message per group channel');
    assert.equal(a.flapping, flapsAt(r), flapsAt(r) ? 'more than 4 changes an hour: flapping' : 'not flapping');
    assert.equal(entries.some((e) => e.kind === 'flapping'), flapsAt(r));
    noRejections(p);
  } finally {
    await p.close();
  }
}

/** One lifecycle and one oscillation subtest per row, named after what they prove. */
export function describeRows(ids: string[]): void {
  describe('SPEC §2 rows through collector → metrics → rules → alerts → outbox → signed channels', () => {
    for (const r of ids.map(row)) {
      test(lifecycleName(r), () => lifecycle(r));
      test(oscillationName(r), () => oscillation(r));
    }
  });
}
