/**
 * Business truth, security audit, Dify calls and HTTP APIs recorded through the SDK, read back as
 * the platform's metrics (SPEC.md §2) from the real collector.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import express from 'express';
import { startCollector, type Collector } from './collector.js';
import { DifyStandIn } from './standins/dify.js';
import { close, listen, sleep } from './support.js';
import { init, checkin, task, sos, risk, retention, audit, createDifyClient, expressMiddleware, type NodeSdk, type RiskLevel } from '../src/index.js';

let collector: Collector;
let sdk: NodeSdk;
before(async () => {
  collector = await startCollector();
  sdk = init({ endpoint: collector.url, key: collector.key, app: 'mindguard', env: 'staging', pseudonymKey: 'p'.repeat(32), core: { flushIntervalMs: 200 } });
});
after(async () => {
  await sdk.close(1000);
  await collector.stop();
});

type Breakdown = { values: { filter: { val: string }; value: number | null; samples: number; details?: Record<string, unknown> }[] };
const metric = async (id: string) => collector.metric(id);
const by = async (id: string, dim: string) => (await collector.metric(id, { by: dim })) as unknown as Breakdown;

test('check-ins, tasks: success and completion rates', async () => {
  for (let i = 0; i < 20; i++) {
    checkin.attempt(`oUser${i}`);
    if (i === 7) checkin.failure('db_timeout', `oUser${i}`);
    else checkin.success(`oUser${i}`);
  }
  for (let i = 0; i < 50; i++) task.due(`task-${i}-2025`, 'breathing');
  for (let i = 0; i < 40; i++) task.completed(`task-${i}-2025`, 'breathing');
  await sdk.flush(3000);
  await collector.waitEvents('task', 90);
  const c = await metric('checkin_success_rate');
  assert.equal(c.value, 95);
  assert.equal(c.samples, 20);
  const t = await metric('task_completion_rate');
  assert.equal(t.value, 80);
});

test('SOS: the platform sees trigger and answer per SOS id', async () => {
  sos.triggered('sos-20250101-0001', 'oUserSos');
  await sleep(300);
  sos.acknowledged('sos-20250101-0001', 'counsellor');
  sos.answered('sos-20250101-0001', 'counsellor');
  await sdk.flush(3000);
  const evs = await collector.waitEvents('sos', 3);
  assert.deepEqual(evs.map((e) => e.action).sort(), ['acknowledged', 'answered', 'triggered']);
  assert.ok(evs.every((e) => e.sosId === 'sos-20250101-0001'));
  const trig = evs.find((e) => e.action === 'triggered');
  const ans = evs.find((e) => e.action === 'answered');
  assert.ok((ans?.ts ?? 0) - (trig?.ts ?? 0) >= 290);
  const m = await metric('sos_response_time');
  assert.ok(m.value !== null && m.value >= 0.29 && m.value < 5, `sos_response_time ${m.value} s`);
});

test('risk predictions and human review labels: accuracy and high-risk recall', async () => {
  const levels: RiskLevel[] = ['none', 'low', 'medium', 'high'];
  for (let i = 0; i < 50; i++) {
    const predicted = levels[i % 4] ?? 'none';
    risk.predicted(`pred-${i}-abcdef`, predicted, 'risk-v3');
    // 4 wrong labels: two high-risk cases the model called medium
    const label = i === 2 || i === 6 ? 'high' : i === 9 || i === 13 ? 'none' : predicted;
    risk.labelled(`pred-${i}-abcdef`, label, 'psychologist');
  }
  await sdk.flush(3000);
  await collector.waitEvents('risk_labelled', 50);
  const m = await metric('risk_accuracy');
  assert.equal(m.value, 92);
  assert.equal(m.samples, 50);
  assert.deepEqual(m.details, { matched: 46, highLabelled: 14, highRecall: 85.714 });
});

test('retention signals: one per pseudonymous user and day', async () => {
  for (const u of ['oRetA', 'oRetB', 'oRetA', 'oRetB', 'oRetA']) retention.active(u);
  await sdk.flush(3000);
  const evs = await collector.waitEvents('user_active', 2);
  assert.equal(evs.length, 2);
  assert.ok(evs.every((e) => /^u_/.test(String(e.uid))));
});

test('security audit: auth failures, denials, 越权, sensitive reads and exports', async () => {
  for (let i = 0; i < 3; i++) audit.authFailure({ principal: '13812345678', source: '203.0.113.77', method: 'password', reason: 'bad password' });
  audit.accessDenied({ resource: '/admin/users/13812345678', role: 'user', actor: 'oUserX', source: '203.0.113.77' });
  audit.unauthorised({ operation: 'export_records', resource: 'mood_records', role: 'counsellor', actor: 'staff-17' });
  audit.sensitiveRead({ actor: 'staff-17', category: 'mental_health', records: 12, purpose: 'case review', role: 'counsellor' });
  audit.dataExport({ actor: 'staff-17', category: 'mental_health', records: 5000, purpose: 'research', role: 'researcher' });
  await sdk.flush(3000);
  const fails = await collector.waitEvents('auth_failure', 3);
  assert.equal(fails.length, 3);
  assert.equal(fails[0]?.source, '203.0.113.0');
  assert.match(String(fails[0]?.principal), /^u_/);
  const denied = await collector.waitEvents('access_denied', 1);
  assert.equal(denied[0]?.resource, '/admin/users/[mobile]');
  const unauth = await by('unauthorised_operation', 'role');
  assert.equal(unauth.values.find((v) => v.filter.val === 'counsellor')?.value, 1);
  const sens = await collector.waitEvents('sensitive_access', 2);
  const exp = sens.find((e) => e.export === true);
  assert.deepEqual([exp?.records, exp?.category, exp?.purpose], [5000, 'mental_health', 'research']);
  assert.ok(!JSON.stringify([fails, denied, sens]).includes('13812345678'));
});

test('Dify through the SDK: ai_service_success_rate per workflow', async () => {
  const dify = await new DifyStandIn().start();
  try {
    const client = createDifyClient({ baseUrl: dify.url, apiKey: dify.apiKey, workflow: 'risk-identification', timeoutMs: 2000 });
    dify.next({ kind: 'error', httpStatus: 400, code: 'provider_quota_exceeded', message: 'quota exhausted' });
    for (let i = 0; i < 20; i++) {
      if (i % 2 === 0) await client.runWorkflow({ inputs: { text: 'x' }, user: 'u' }).catch(() => undefined);
      else for await (const _e of client.streamWorkflow({ inputs: { text: 'x' }, user: 'u' })) void _e;
    }
  } finally {
    await dify.stop();
  }
  await sdk.flush(3000);
  await collector.waitEvents('ai_call', 20);
  const m = await by('ai_service_success_rate', 'workflow');
  const wf = m.values.find((v) => v.filter.val === 'risk-identification');
  assert.equal(wf?.value, 95);
  assert.equal(wf?.samples, 20);
});

test('HTTP API through the Express middleware: success rate and p95 response time per route', async () => {
  const app = express();
  app.use(expressMiddleware());
  let n = 0;
  app.get('/api/checkins/:id', (_req, res) => {
    n++;
    if (n % 50 === 0) return void res.status(500).json({ code: 'INTERNAL' });
    setTimeout(() => res.json({ ok: true }), n % 10 === 0 ? 60 : 5);
  });
  const server = createServer(app);
  const base = await listen(server);
  try {
    for (let i = 0; i < 100; i++) (await fetch(`${base}/api/checkins/${1000 + i}`)).body?.cancel();
  } finally {
    await close(server);
  }
  await sdk.flush(3000);
  await collector.waitEvents('api_request', 100);
  const ok = await by('api_success_rate', 'route');
  assert.equal(ok.values.find((v) => v.filter.val === '/api/checkins/:id')?.value, 98);
  const rt = await by('api_response_time', 'route');
  const p95 = rt.values.find((v) => v.filter.val === '/api/checkins/:id')?.value ?? 0;
  assert.ok(p95 >= 55 && p95 < 200, `p95 ${p95}`);
});
