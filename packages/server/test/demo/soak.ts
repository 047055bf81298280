/**
 * Soak (not in CI): `npm run soak [-- --minutes 30 --users 2000 --speed 12]`. The whole platform
 * in process with demo mode, 2,000 simulated users, a scenario injected every few minutes and
 * removed two minutes later. Prints every 30 s: RSS, events sent by the SDKs vs stored by the
 * collector, alerts expected vs raised; a summary at the end (exit 1 when an expected alert was
 * not raised, or an unexpected one was).
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { alertingPlugin } from '../../src/alerting/plugin.js';
import { demoPlugins } from '../../src/demo/plugin.js';
import { SCENARIOS, type ScenarioName } from '../../src/demo/scenarios.js';
import { startPlatform, testConfig, tempDir } from '../helpers.js';

const { values } = parseArgs({ options: { minutes: { type: 'string' }, users: { type: 'string' }, speed: { type: 'string' }, every: { type: 'string' } } });
const minutes = Number(values.minutes ?? 30);
const users = Number(values.users ?? 2000);
const speed = Number(values.speed ?? 12);
const everyMin = Number(values.every ?? 5);
const PLAN: ScenarioName[] = ['api-latency-spike', 'dify-outage', 'unauthorised-operation', 'sos-unanswered', 'slow-db-queries', 'checkin-failures'];

const dir = tempDir('mgops-soak-');
const demo = demoPlugins({ users, speed, lanes: 32 });
const tp = await startPlatform({ config: testConfig(), dataDir: dir, plugins: [demo.before, alertingPlugin(), demo.after] });
const sim = await demo.ready;
const t0 = Date.now();
const expected = new Set<string>();
const committed = async () => (await tp.platform.telemetry.committed.get()).values.reduce((a, v) => a + v.value, 0);
const mb = (n: number) => Math.round(n / 1_048_576);

async function report(final = false): Promise<{ missing: string[]; unexpected: string[] }> {
  const s = sim.snapshot();
  const alerts = await tp.platform.app.inject({ method: 'GET', url: '/api/alerts?limit=1000' }).then((r) => r.json() as { metricId: string; level: string }[]);
  const raised = new Set(alerts.map((a) => `${a.metricId} ${a.level}`));
  const raisedMetrics = new Set(alerts.map((a) => a.metricId));
  // accepted by the collector, less what it already had
  const sent = s.nodeSdk.delivered - s.nodeSdk.duplicates + s.miniProgramSdk.delivered - s.miniProgramSdk.duplicates;
  const mem = process.memoryUsage();
  const missing = [...expected].filter((e) => !raisedMetrics.has(e.split(' ')[0] ?? ''));
  const expMetrics = new Set([...expected].map((e) => e.split(' ')[0]));
  const unexpected = [...raised].filter((r) => !expMetrics.has(r.split(' ')[0]));
  console.log(
    `${final ? 'FINAL ' : ''}t=${Math.round((Date.now() - t0) / 1000)}s rss=${mb(mem.rss)}MB heap=${mb(mem.heapUsed)}MB sessions=${s.sessions} skipped=${s.skipped} ` +
      `events sent=${sent} (node ${s.nodeSdk.delivered}, mini-program ${s.miniProgramSdk.delivered}, dropped ${s.nodeSdk.dropped + s.miniProgramSdk.dropped}) stored=${await committed()} ` +
      `alerts expected=${expected.size} raised=${raised.size} missing=[${missing.join(', ')}] unexpected=[${unexpected.join(', ')}] active=[${s.active.map((a) => a.name).join(', ')}]`,
  );
  return { missing, unexpected };
}

const timers: ReturnType<typeof setTimeout>[] = [];
PLAN.forEach((name, i) => {
  const at = (i + 1) * everyMin * 60_000;
  if (at + 2 * 60_000 > minutes * 60_000) return;
  timers.push(setTimeout(() => {
    for (const e of SCENARIOS[name].expect) expected.add(`${e.metric} ${e.level}`);
    sim.inject(name);
  }, at));
  timers.push(setTimeout(() => sim.remove(name), at + 2 * 60_000));
});
const tick = setInterval(() => void report(), 30_000);
await new Promise((r) => setTimeout(r, minutes * 60_000));
clearInterval(tick);
for (const t of timers) clearTimeout(t);
await sim.stop();
await new Promise((r) => setTimeout(r, 3000));
const { missing, unexpected } = await report(true);
await tp.close();
rmSync(dir, { recursive: true, force: true });
process.exit(missing.length || unexpected.length ? 1 : 0);
