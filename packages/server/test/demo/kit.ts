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

export async function startDemoRig(o: DemoOptions & { edit?: (c: Config) => void } = {}): Promise<DemoRig> {
  const demo = demoPlugins({ users: 400, speed: 60, lanes: 10, tickMs: 100, gaugeEveryMs: 1000, seed: 7, ...o });
  const config = testConfig((c) => {
    c.server.publicUrl = 'https://ops.mindguard.example';
    // SOS limits in seconds, shortened for the test (the rule is the same)
    c.metrics.sos_response_time = { ...c.metrics.sos_response_time, warn: 3, crit: 6 } as NonNullable<Config['metrics']['sos_response_time']>;
    o.edit?.(c);
  });
  const tp = await startPlatform({ config, plugins: [demo.before, alertingPlugin({ evaluateEveryMs: 500, maxSleepMs: 200 }), demo.after] });
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
export async function openAlert(rig: DemoRig, metric: string): Promise<Alert | undefined> {
  return (await rig.alerts('firing,acknowledged')).find((a) => a.metricId === metric);
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
    const a = (await rig.alerts('resolved')).find((x) => x.metricId === metric);
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
