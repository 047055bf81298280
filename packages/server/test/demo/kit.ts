/**
 * End-to-end demo rig: the whole platform (collector, storage, metrics, rules, alerting) with the
 * demo plugins exactly as `mgops start --demo` wires them, a time-compressed simulator, and a
 * shiftable wall clock: `shift(ms)` moves `Date.now()` for everything in this process at once
 * (SDKs, collector, rules, receivers), so 5-minute windows pass in a moment of real time.
 */
import { alertingPlugin } from '../../src/alerting/plugin.js';
import type { Alert } from '../../src/alerting/model.js';
import type { Config } from '../../src/config/schema.js';
import { demoPlugins, type DemoOptions } from '../../src/demo/plugin.js';
import type { DemoReceivers } from '../../src/demo/receivers.js';
import type { Simulator } from '../../src/demo/simulator.js';
import type { ManualClock } from '../../src/util/clock.js';
import { getJson, sleep, startPlatform, testConfig, type TestPlatform } from '../helpers.js';

const realNow = Date.now.bind(Date);
let offset = 0;
Date.now = () => realNow() + offset;

/** Moves this process's wall clock forward. */
export function shift(ms: number): void {
  offset += ms;
}

export type MatrixRow = { metric: string; state: string; value: number | null };

export type DemoRig = {
  tp: TestPlatform;
  sim: Simulator;
  rx: DemoReceivers;
  alerts(status?: string): Promise<Alert[]>;
  matrix(): Promise<MatrixRow[]>;
  waitFor<T>(label: string, fn: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
};

/**
 * `clock` (day mode): the simulator drives it and the platform lives on it, so the platform's
 * windows, daily metrics and SOS limits (the real 30 s / 60 s) are in simulated time;
 * `evaluateEveryMs` is then simulated time too.
 */
export async function startDemoRig(o: DemoOptions & { edit?: (c: Config) => void; evaluateEveryMs?: number } = {}): Promise<DemoRig> {
  const demo = demoPlugins({ users: 400, speed: 60, lanes: 10, tickMs: 100, gaugeEveryMs: 1000, seed: 7, ...o });
  const config = testConfig((c) => {
    c.server.publicUrl = 'https://ops.mindguard.example';
    // real-time runs: SOS limits in seconds, shortened for the test (the rule is the same)
    if (!o.clock) c.metrics.sos_response_time = { ...c.metrics.sos_response_time, warn: 3, crit: 6 } as NonNullable<Config['metrics']['sos_response_time']>;
    o.edit?.(c);
  });
  const alerting = alertingPlugin({ evaluateEveryMs: o.evaluateEveryMs ?? 500, maxSleepMs: 200 });
  const tp = await startPlatform({ config, ...(o.clock ? { clock: o.clock } : {}), plugins: [demo.before, alerting, demo.after] });
  const sim = await demo.ready;
  const rx = demo.receivers;
  if (!rx) throw new Error('demo receivers did not start');
  const rig: DemoRig = {
    tp,
    sim,
    rx,
    alerts: (status) => getJson<Alert[]>(`${tp.url}/api/alerts${status ? `?status=${status}` : ''}`),
    matrix: async () => (await getJson<{ rows: MatrixRow[] }>(`${tp.url}/api/v1/matrix`)).rows,
    async waitFor(label, fn, timeoutMs = 30_000) {
      const end = realNow() + timeoutMs;
      for (;;) {
        const v = await fn();
        if (v) return v;
        if (realNow() > end) throw new Error(`timed out waiting for ${label}`);
        await sleep(200);
      }
    },
    close: async () => {
      await tp.close();
    },
  };
  return rig;
}

/** The open (not resolved) alert of a metric, if any. */
/**
 * The metric's own alert, not one of its per-dimension alerts (`alertBy`: a route, a function, a
 * release…), which a fault may raise beside it.
 */
function isOverall(rig: DemoRig, a: Alert, metric: string): boolean {
  const dims = rig.tp.platform.config.metrics[metric]?.alertBy ?? [];
  return a.metricId === metric && !Object.keys(a.labels ?? {}).some((k) => dims.includes(k));
}

export async function openAlert(rig: DemoRig, metric: string): Promise<Alert | undefined> {
  return (await rig.alerts('firing,acknowledged')).find((a) => isOverall(rig, a, metric));
}

/**
 * Healthy traffic for a full window of normal values, then the alert resolves. Time moves in
 * steps of a tenth of the window, and only while the window holds half again the minimum
 * samples, so it never runs short (which would restart the hysteresis clock) however slowly a
 * loaded machine produces traffic, while the faulty samples age out of it.
 */
export async function resolveAfterWindow(rig: DemoRig, metric: string, windowMs: number, timeoutMs = 90_000): Promise<Alert> {
  const step = windowMs / 10;
  const end = realNow() + timeoutMs;
  while (realNow() < end) {
    const a = (await rig.alerts('resolved')).find((x) => isOverall(rig, x, metric));
    if (a) return a;
    const v = await getJson<{ state?: string; samples?: number; minSamples?: number }>(`${rig.tp.url}/api/v1/metrics/${metric}`);
    if (v.state !== 'insufficient' && (v.samples ?? 0) >= 1.5 * (v.minSamples ?? 0)) shift(step);
    await sleep(300);
  }
  throw new Error(`${metric} did not resolve within ${timeoutMs} ms`);
}

/** Injects a scenario through the demo API, as a newcomer would. */
export async function inject(rig: DemoRig, name: string): Promise<number> {
  const res = await fetch(`${rig.tp.url}/api/demo/scenarios/${name}`, { method: 'POST' });
  await res.text();
  return res.status;
}

export async function removeScenario(rig: DemoRig, name: string): Promise<boolean> {
  const res = await fetch(`${rig.tp.url}/api/demo/scenarios/${name}`, { method: 'DELETE' });
  return ((await res.json()) as { removed: boolean }).removed;
}

/** Sample team numbers from config/mindguard.yaml. */
export const MOBILE = { opsLead: '13800000001', ops1: '13800000002', ops2: '13800000003', techLead: '13800000004', productLead: '13800000005', security: '13800000007', ai: '13800000008', backend: '13800000011', operations: '13800000013' };

/** Waits for an open alert of `metric` at `level`, then for its P1/P0 e-mail to reach `email`. */
export async function expectAlert(rig: DemoRig, metric: string, level: string, email: string, timeoutMs = 30_000): Promise<Alert> {
  const a = await rig.waitFor(`${metric} ${level}`, async () => {
    const x = await openAlert(rig, metric);
    return x?.level === level ? x : undefined;
  }, timeoutMs);
  shift(6_000); // past the P1 group wait (5 s)
  await rig.waitFor(`${metric} e-mail to ${email}`, async () => rig.rx.smtp.mails.some((m) => m.to.includes(email) && m.subject.includes(level)));
  return a;
}

export const HOUR = 3_600_000;
const SHANGHAI = 8 * HOUR;
/** 00:00 Asia/Shanghai of yesterday: a whole simulated day in the past of the real clock. */
export const YESTERDAY = (Math.floor((Date.now() + SHANGHAI) / (24 * HOUR)) - 1) * 24 * HOUR - SHANGHAI;
export const hhmm = (t: number) => new Date(t + SHANGHAI).toISOString().slice(11, 16);

/**
 * Day mode: the platform lives on `clock`, which the simulator drives at up to 2000× (the night
 * in a few seconds an hour; by day the clock waits for the traffic, so a loaded machine takes
 * longer instead of thinning it). 120 users, 3 sessions an hour each at the peak of the daily
 * rhythm; rules evaluated every 2 simulated minutes.
 */
export async function startDayRig(clock: ManualClock, o: DemoOptions = {}): Promise<DemoRig & { stalls: HostStalls }> {
  const stalls = excludeHostStalls();
  try {
    const rig = await startDemoRig({ clock, users: 120, sessionsPerUserHour: 3, speed: 2000, lanes: 32, tickMs: 25, sosShare: 0.002, seed: 11, evaluateEveryMs: 120_000, ...o });
    const close = rig.close;
    return { ...rig, stalls, close: async () => { await close(); stalls.restore(); } };
  } catch (e) {
    stalls.restore();
    throw e;
  }
}

export type HostStalls = { count: number; totalMs: number; maxMs: number; restore(): void };

/**
 * The simulated MindGuard back end shares this process (and a loaded CI host) with the platform:
 * when the event loop stalls — the platform's commits, GC, other jobs on the machine — every
 * database query and cloud function in flight would look slow by as much. In a compressed day
 * such a stall covers much of a simulated 5-minute window, so p95 latencies would breach on the
 * host's account, not MindGuard's. In reality the back end runs on hosts of its own; so, for the
 * day rig, `performance.now()` (the SDKs' duration clock) leaves out the stalls a 5 ms sentinel
 * timer sees (its lateness beyond 10 ms), and stays monotonic. Counted and printed by the test.
 */
function excludeHostStalls(): HostStalls {
  const real = performance.now.bind(performance);
  let excluded = 0;
  let last = 0;
  const st: HostStalls = { count: 0, totalMs: 0, maxMs: 0, restore: () => undefined };
  let prev = real();
  const sentinel = setInterval(() => {
    const t = real();
    const late = t - prev - 5;
    prev = t;
    if (late > 10) {
      excluded += late;
      st.count++;
      st.totalMs += late;
      st.maxMs = Math.max(st.maxMs, late);
    }
  }, 5);
  sentinel.unref();
  // a stall in progress (the sentinel overdue) counts at once: a query whose timer fires before
  // the sentinel's in the same turn of the loop must not see it
  const now = () => {
    const t = real();
    const late = t - prev - 5;
    return (last = Math.max(last, t - excluded - (late > 10 ? late : 0)));
  };
  Object.defineProperty(performance, 'now', { value: now, configurable: true, writable: true });
  st.restore = () => {
    clearInterval(sentinel);
    Object.defineProperty(performance, 'now', { value: real, configurable: true, writable: true });
  };
  return st;
}

/** Lets the simulated clock run to `until`, calling `each` (awaited) at every new simulated hour. */
export async function runClock(clock: ManualClock, until: number, each: (hourStart: number) => Promise<void> = async () => undefined): Promise<void> {
  let hour = -1;
  for (;;) {
    const now = clock.now();
    if (now >= until) return;
    const h = Math.floor(now / HOUR);
    if (h !== hour) {
      hour = h;
      await each(h * HOUR);
    }
    await sleep(100);
  }
}
