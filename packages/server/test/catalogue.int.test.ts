/**
 * Every SPEC.md §2 metric, end to end: realistic batches of every event kind are posted to the
 * collector, and each metric read back through the API is compared with the value this test
 * computes independently from what it sent.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../src/util/clock.js';
import { closeAndDrop, envelope, getJson, lcg, p95, PG_URL, post, startPlatform, testConfig, uid, type Ev, type TestPlatform } from './helpers.js';

const MIN = 60_000;
const DAY = 86_400_000;
// 2026-11-27 10:00:30 Asia/Shanghai
const T0 = Date.UTC(2026, 10, 27, 2, 0, 30);
const clock = new ManualClock(T0);
let tp: TestPlatform;

const rand = lcg(42);
const durations = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => Math.round(lo + rand() * (hi - lo)));

type MetricJson = { value: number | null; samples: number; state: string; level: string | null; details?: Record<string, number> };
const metric = (id: string) => getJson<MetricJson>(`${tp.url}/api/v1/metrics/${id}`);
const near = (actual: number | null, expected: number, rel = 0.011) => {
  assert.ok(actual !== null, `expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * rel + 1e-9, `expected ≈${expected}, got ${actual}`);
};

async function send(events: Ev[], o: { sdk?: string; ts?: number; ctx?: Record<string, unknown> } = {}) {
  const ts = o.ts ?? T0 - 20_000;
  for (let i = 0; i < events.length; i += 500) {
    const body = envelope(events.slice(i, i + 500).map((e) => ({ ts, ...e })), { sentAt: T0, ...(o.sdk ? { sdk: o.sdk } : {}), ...(o.ctx ? { ctx: o.ctx } : {}) });
    const r = await post(tp.url, tp.key, body);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json.rejected, []);
  }
}

const sent = {
  launch: durations(250, 800, 6000),
  pageLoads: durations(40, 300, 3000),
  serverApi: durations(120, 50, 1500),
  fn: durations(60, 20, 700),
  db: durations(30, 5, 260),
};

const pgSchema = `mgops_catalogue_${process.pid}`;

for (const engine of ['sqlite', 'postgres'] as const) describe(`every metric on ${engine}`, () => {
before(async () => {
  clock.set(T0);
  const config = testConfig((c) => {
    c.expected.featureUsage = { checkin: 10, diary: 'history' };
    if (engine === 'postgres') c.storage = { engine: 'postgres', postgresUrl: PG_URL, postgresSchema: pgSchema };
  });
  tp = await startPlatform({ config, clock });
  const MP = { sdk: 'mgops-miniprogram' };
  // client: launches (sessions), crashes, page loads, page views, JS errors, client API calls
  await send([
    ...sent.launch.map((d) => ({ type: 'app_launch', duration: d, cold: true })),
    { type: 'crash', reason: 'abnormal_exit', lastPage: 'pages/checkin/mood' },
    { type: 'crash', reason: 'oom_suspected' },
    ...sent.pageLoads.map((d, i) => ({ type: 'page_load', page: i % 2 ? 'pages/checkin/mood' : 'pages/index/index', duration: d })),
    ...Array.from({ length: 300 }, () => ({ type: 'page_view', page: 'pages/index/index', dwell: 5000 })),
    { type: 'js_error', kind: 'error', message: 'TypeError: x is undefined', page: 'pages/index/index' },
    { type: 'js_error', kind: 'unhandledrejection', message: 'timeout' },
    ...Array.from({ length: 150 }, (_, i) => ({ type: 'api_request', side: 'client', api: 'request', route: '/api/checkin', status: i < 3 ? 500 : 200, duration: 120, ok: i >= 3 })),
    ...Array.from({ length: 7 }, () => ({ type: 'feature_use', feature: 'checkin' })),
    ...Array.from({ length: 30 }, (_, i) => ({ type: 'checkin', outcome: i < 10 ? 'success' : 'attempt' })),
  ], MP);
  // server: API, cloud functions, database, AI, probes, resources
  await send([
    ...sent.serverApi.map((d, i) => ({ type: 'api_request', side: 'server', route: '/api/checkin', status: i < 2 ? 500 : 200, duration: d, ok: i >= 2 })),
    ...sent.fn.map((d, i) => ({ type: 'function_invocation', fn: 'checkin', duration: d, ok: i !== 0, cold: i < 3, initDuration: 150 })),
    ...sent.db.map((d) => ({ type: 'db_query', collection: 'checkins', op: 'get', duration: d, ok: true, docs: 3 })),
    ...Array.from({ length: 25 }, (_, i) => ({ type: 'ai_call', workflow: 'risk-assess', duration: 2000, ok: i >= 2, ...(i === 2 ? { timeout: true } : {}) })),
    ...Array.from({ length: 20 }, (_, i) => ({ type: 'probe', target: 'api-gateway', ok: i !== 0, duration: 40 })),
    { type: 'resource', resource: 'concurrency', value: 150, target: 'inst-a' },
    { type: 'resource', resource: 'concurrency', value: 100, target: 'inst-b' },
    { type: 'resource', resource: 'storage', value: 90, capacity: 100, target: 'cloudbase-db' },
    { type: 'resource', resource: 'connections', value: 50, capacity: 100, target: 'pg-pool' },
    // business truth from the server
    ...Array.from({ length: 30 }, () => ({ type: 'checkin', outcome: 'attempt' })),
    ...Array.from({ length: 27 }, () => ({ type: 'checkin', outcome: 'success' })),
    ...Array.from({ length: 3 }, () => ({ type: 'checkin', outcome: 'failure', reason: 'db_timeout' })),
    ...Array.from({ length: 60 }, () => ({ type: 'task', outcome: 'due' })),
    ...Array.from({ length: 45 }, () => ({ type: 'task', outcome: 'completed' })),
    // security
    ...Array.from({ length: 25 }, () => ({ type: 'auth_failure', source: '10.1.2.0', method: 'password' })),
    { type: 'unauthorised_op', operation: 'export_diaries', resource: 'diary', role: 'operator', actor: 'staff-7' },
    { type: 'sensitive_access', category: 'mood_records', records: 250, purpose: 'support', role: 'operator', actor: 'staff-1' },
    { type: 'sensitive_access', category: 'mood_records', records: 5, purpose: 'support', role: 'operator', actor: 'staff-2' },
    // a log line that leaks a phone number: masked, and counted as a data-leak risk
    { type: 'log', level: 'warn', message: 'sms to 13912345678 failed', category: 'system' },
  ]);
  // SOS: one answered after 20 s, one still open for 45 s
  await send([{ type: 'sos', sosId: 'sos-answered-1', action: 'triggered' }], { ts: T0 - 100_000 });
  await send([{ type: 'sos', sosId: 'sos-answered-1', action: 'answered', by: 'operations' }], { ts: T0 - 80_000 });
  await send([{ type: 'sos', sosId: 'sos-open-1', action: 'triggered' }], { ts: T0 - 45_000 });
  // risk: 60 predictions with review labels, 51 matching; 10 labelled high, 8 of them predicted high
  const preds: Ev[] = [];
  const labels: Ev[] = [];
  for (let i = 0; i < 60; i++) {
    const id = `pred-${i}-${uid('p')}`;
    const label = i < 10 ? 'high' : 'low';
    const predicted = i < 8 ? 'high' : i < 10 ? 'medium' : i < 17 ? 'medium' : 'low';
    preds.push({ type: 'risk_predicted', predictionId: id, level: predicted, model: 'dify-v3' });
    labels.push({ type: 'risk_labelled', predictionId: id, level: label, reviewer: 'counsellor' });
  }
  await send(preds);
  await send(labels);
  // retention: 30 users first seen two days ago, 6 of them back the next day
  const noon = (daysAgo: number) => Date.UTC(2026, 10, 27 - daysAgo, 4, 0, 0);
  await send(Array.from({ length: 30 }, (_, i) => ({ type: 'user_active', uid: `retention-user-${i}` })), { ts: noon(2) });
  await send(Array.from({ length: 6 }, (_, i) => ({ type: 'user_active', uid: `retention-user-${i}` })), { ts: noon(1) });
});

after(async () => {
  await closeAndDrop(tp, engine === 'postgres' ? pgSchema : undefined);
});

test('latency metrics are the p95 of what was sent, judged against SPEC thresholds', async () => {
  const cases: [string, number[], number, number][] = [
    ['app_launch_time', sent.launch, 3000, 5000],
    ['page_load_time', sent.pageLoads, 1500, 2500],
    ['api_response_time', sent.serverApi, 500, 1000],
    ['cloud_function_duration', sent.fn, 300, 500],
    ['db_query_time', sent.db, 100, 200],
  ];
  for (const [id, xs, warn, crit] of cases) {
    const m = await metric(id);
    const expected = p95(xs);
    near(m.value, expected);
    assert.equal(m.samples, xs.length, id);
    assert.equal(m.state, expected > crit ? 'critical' : expected > warn ? 'warning' : 'ok', id);
  }
});

test('ratio metrics match the counts sent', async () => {
  const expectations: [string, number, string, string | null][] = [
    ['service_availability', (100 * 19) / 20, 'critical', 'P0'],
    ['api_success_rate', (100 * 118) / 120, 'warning', 'P2'],
    ['crash_rate', (100 * 2) / 250, 'critical', 'P1'],
    ['error_rate', (100 * 2) / 300, 'warning', 'P2'],
    ['client_api_error_rate', (100 * 3) / 150, 'critical', 'P1'],
    ['cloud_function_error_rate', (100 * 1) / 60, 'ok', null],
    ['ai_service_success_rate', (100 * 22) / 25, 'critical', 'P1'],
    // server truth wins over the client's view of check-ins
    ['checkin_success_rate', (100 * 27) / 30, 'warning', 'P2'],
    ['task_completion_rate', (100 * 45) / 60, 'warning', 'P3'],
  ];
  for (const [id, value, state, level] of expectations) {
    const m = await metric(id);
    near(m.value, value, 1e-6);
    assert.equal(m.state, state, id);
    assert.equal(m.level, level, id);
  }
});

test('counts, gauges and capacity metrics', async () => {
  const slow = await metric('slow_query_count');
  assert.equal(slow.value, sent.db.filter((d) => d > 200).length);
  const conc = await metric('concurrent_requests');
  near(conc.value, (100 * (150 + 100)) / 200, 1e-6);
  assert.equal(conc.state, 'critical');
  const storage = await metric('storage_usage');
  near(storage.value, 90, 1e-6);
  assert.equal(storage.level, 'P3');
  const conns = await metric('db_connections');
  near(conns.value, 50, 1e-6);
  assert.equal(conns.state, 'ok');
  const feature = await metric('feature_usage_rate');
  near(feature.value, 70, 1e-6);
  assert.equal(feature.state, 'critical');
});

test('SOS: an open SOS dominates with its waiting time', async () => {
  const m = await metric('sos_response_time');
  near(m.value, 45, 1e-6);
  assert.equal(m.state, 'warning');
  assert.equal(m.level, 'P1');
  assert.equal(m.details?.open, 1);
  assert.equal(m.details?.p95Seconds, 20);
  clock.advance(20_000); // 65 s without an answer
  const later = await metric('sos_response_time');
  assert.equal(later.state, 'critical');
  assert.equal(later.level, 'P0');
  clock.set(T0);
});

test('risk accuracy and high-risk recall from review labels', async () => {
  const m = await metric('risk_accuracy');
  // matches: 8 high/high + 43 low/low (indices 17..59) = 51 of 60
  near(m.value, (100 * 51) / 60, 1e-6);
  assert.equal(m.state, 'warning');
  assert.equal(m.details?.highRecall, 80);
});

test('retention against the expected day-1 retention', async () => {
  const m = await metric('user_retention');
  // 6 of 30 came back: 20 % of the expected 40 % = 50 %
  near(m.value, 50, 1e-6);
  assert.equal(m.details?.day1, 20);
  assert.equal(m.state, 'critical');
  assert.equal(m.level, 'P3');
});

test('security detectors', async () => {
  const abnormal = await metric('abnormal_access');
  assert.equal(abnormal.value, 1);
  assert.equal(abnormal.level, 'P1');
  const unauth = await metric('unauthorised_operation');
  assert.equal(unauth.value, 1);
  assert.equal(unauth.level, 'P0');
  const sensitive = await metric('sensitive_data_access');
  assert.equal(sensitive.value, 1);
  assert.equal(sensitive.level, 'P1');
  const leak = await metric('data_leak_risk');
  assert.equal(leak.value, 1);
  assert.equal(leak.level, 'P0');
});

test('breakdown by dimension, series over a range, and the matrix', async () => {
  const byPage = await getJson<{ values: (MetricJson & { filter: { val: string } })[] }>(`${tp.url}/api/v1/metrics/page_load_time?by=page`);
  assert.equal(byPage.values.length, 2);
  for (const v of byPage.values) {
    const xs = sent.pageLoads.filter((_, i) => (i % 2 ? 'pages/checkin/mood' : 'pages/index/index') === v.filter.val);
    near(v.value, p95(xs));
    assert.equal(v.samples, 20);
  }
  const series = await getJson<{ points: { t: number; value: number | null; samples: number }[] }>(
    `${tp.url}/api/v1/metrics/page_load_time?from=${T0 - 10 * MIN}&to=${T0}&step=5m`,
  );
  assert.equal(series.points.length, 2);
  assert.equal(series.points[0]!.samples, 0);
  assert.equal(series.points[1]!.samples, 40);
  const matrix = await getJson<{ rows: { metric: string; state: string; value: number | null; crit: number | null }[] }>(`${tp.url}/api/v1/matrix`);
  assert.equal(matrix.rows.length, 20);
  assert.equal(matrix.rows.find((r) => r.metric === 'crash_rate')?.state, 'critical');
  assert.equal(matrix.rows.find((r) => r.metric === 'db_connections')?.state, 'ok');
  const bad = await fetch(`${tp.url}/api/v1/metrics/page_load_time?by=colour`);
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { field: string }).field, 'by');
  assert.equal((await fetch(`${tp.url}/api/v1/metrics/no_such_metric`)).status, 404);
});

test('nothing is judged below the minimum samples', async () => {
  clock.set(T0 + DAY + 2 * 3_600_000); // a quiet window a day later
  try {
    const m = await metric('api_success_rate');
    assert.equal(m.state, 'insufficient');
    assert.equal(m.level, null);
  } finally {
    clock.set(T0);
  }
});

});
