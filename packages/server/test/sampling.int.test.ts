/**
 * Sampled events are weighted (issues #2/#3): an SDK that keeps 10 % of successful calls marks each
 * kept one with attrs.sampleRate and keeps every failure. Posted through the real collector, the
 * error rates, counts and p95 must match the true, unsampled traffic this test generates — not the
 * ~10× inflated rate of failures / (kept successes + failures) — on SQLite and PostgreSQL, also
 * after the rollups are rebuilt from the stored batches at start. Event types that are never
 * sampled (check-ins, SOS, auth failures) count once whatever rate they claim.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ManualClock } from '../src/util/clock.js';
import { openStore } from '../src/storage/index.js';
import type { Config } from '../src/config/schema.js';
import { closeAndDrop, envelope, getJson, lcg, p95, PG_URL, post, startPlatform, tempDir, testConfig, type Ev, type TestPlatform } from './helpers.js';

// 2026-11-27 10:00:30 Asia/Shanghai
const T0 = Date.UTC(2026, 10, 27, 2, 0, 30);

const rand = lcg(7);
const rated = (e: Ev, rate: number): Ev => ({ ...e, attrs: { sampleRate: rate } });
/**
 * What an SDK sampling successes at `rate` sends: every failure, and of the successes a
 * deterministic, evenly spread 1-in-(1/rate) (sorted by duration, so the kept set has the same
 * distribution as the whole), each marked with its rate.
 */
function sampled(all: Ev[], rate: number, failed: (e: Ev) => boolean = (e) => e.ok === false): Ev[] {
  const step = Math.round(1 / rate);
  const ok = all.filter((e) => !failed(e)).sort((a, b) => Number(a.duration ?? 0) - Number(b.duration ?? 0));
  return [...all.filter(failed), ...ok.filter((_, i) => i % step === Math.floor(step / 2)).map((e) => rated(e, rate))];
}

// ---- the true traffic ----
const serverApi: Ev[] = Array.from({ length: 2000 }, (_, i) => {
  const route = i % 2 ? '/api/diary' : '/api/checkin';
  // /api/checkin fails 5 % of the time, /api/diary 2 %
  const ok = route === '/api/checkin' ? i % 40 !== 0 : i % 100 !== 1;
  return { type: 'api_request', side: 'server', route, status: ok ? 200 : 500, duration: Math.round(50 + rand() * 1450), ok };
});
const clientApi: Ev[] = Array.from({ length: 1015 }, (_, i) => ({ type: 'api_request', side: 'client', api: 'request', route: '/api/checkin', status: i < 15 ? 500 : 200, duration: 120, ok: i >= 15 }));
const fn: Ev[] = Array.from({ length: 808 }, (_, i) => ({ type: 'function_invocation', fn: 'checkin', duration: 30 + (i % 50), ok: i >= 8 }));
const ai: Ev[] = [
  ...Array.from({ length: 200 }, () => ({ type: 'ai_call', workflow: 'risk-assess', duration: 1500, ok: true })),
  // slow successes are sampled like any success; they still count as failures of the AI service
  ...Array.from({ length: 10 }, () => ({ type: 'ai_call', workflow: 'risk-assess', duration: 1500, ok: true, timeout: true })),
  ...Array.from({ length: 6 }, () => ({ type: 'ai_call', workflow: 'risk-assess', duration: 900, ok: false })),
];
const db: Ev[] = [
  ...Array.from({ length: 100 }, (_, i) => ({ type: 'db_query', collection: 'checkins', op: 'get', duration: 5 + (i % 40), ok: true })),
  ...Array.from({ length: 40 }, (_, i) => ({ type: 'db_query', collection: 'checkins', op: 'get', duration: 250 + i, ok: true })),
];
const pageViews: Ev[] = Array.from({ length: 600 }, () => ({ type: 'page_view', page: 'pages/index/index', dwell: 4000 }));
const jsErrors: Ev[] = Array.from({ length: 5 }, () => ({ type: 'js_error', kind: 'error', message: 'TypeError: x is undefined', page: 'pages/index/index' }));

const truth = {
  apiSuccess: (100 * serverApi.filter((e) => e.ok).length) / serverApi.length,
  routeSuccess: (route: string) => {
    const xs = serverApi.filter((e) => e.route === route);
    return (100 * xs.filter((e) => e.ok).length) / xs.length;
  },
  apiP95: p95(serverApi.map((e) => Number(e.duration))),
  clientApiError: (100 * clientApi.filter((e) => !e.ok).length) / clientApi.length,
  fnError: (100 * fn.filter((e) => !e.ok).length) / fn.length,
  aiSuccess: (100 * ai.filter((e) => e.ok && !e.timeout).length) / ai.length,
  slow: db.filter((e) => Number(e.duration) > 200).length,
  jsErrorRate: (100 * jsErrors.length) / pageViews.length,
};

type MetricJson = { value: number | null; samples: number; state: string; details?: Record<string, number> };

for (const engine of ['sqlite', 'postgres'] as const) describe(`sampled events are weighted on ${engine}`, () => {
  const clock = new ManualClock(T0);
  const dataDir = tempDir('mgops-sampling-');
  const pgSchema = `mgops_sampling_${process.pid}`;
  let config: Config;
  let tp: TestPlatform;
  const metric = (id: string, query = '') => getJson<MetricJson>(`${tp.url}/api/v1/metrics/${id}${query}`);

  async function send(events: Ev[], sdk?: string) {
    for (let i = 0; i < events.length; i += 500) {
      const body = envelope(events.slice(i, i + 500).map((e) => ({ ts: T0 - 20_000, ...e })), { sentAt: T0, ...(sdk ? { sdk } : {}) });
      const r = await post(tp.url, tp.key, body);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.deepEqual(r.json.rejected, []);
    }
  }

  before(async () => {
    config = testConfig((c) => {
      if (engine === 'postgres') c.storage = { engine: 'postgres', postgresUrl: PG_URL, postgresSchema: pgSchema };
    });
    tp = await startPlatform({ config, clock, dataDir });
    await send([
      ...sampled(clientApi, 0.1),
      ...sampled(pageViews, 0.1, () => false),
      ...jsErrors,
    ], 'mgops-miniprogram');
    // a misbehaving client marks a failure as sampled: failures are never sampled, it counts once
    // (each route sampled on its own, as many SDK instances would)
    const serverSent = ['/api/checkin', '/api/diary']
      .flatMap((route) => sampled(serverApi.filter((e) => e.route === route), 0.1))
      .map((e, i) => (e.ok === false && i % 2 ? rated(e, 0.1) : e));
    await send([
      ...serverSent,
      ...sampled(fn, 0.25),
      ...sampled(ai, 0.5),
      ...sampled(db, 0.2, () => false),
      // types that are never sampled: a claimed rate is ignored
      ...Array.from({ length: 20 }, () => ({ type: 'checkin', outcome: 'attempt' })),
      ...Array.from({ length: 18 }, () => rated({ type: 'checkin', outcome: 'success' }, 0.01)),
      ...Array.from({ length: 15 }, () => rated({ type: 'auth_failure', source: '10.9.8.0', method: 'password' }, 0.01)),
      rated({ type: 'sos', sosId: `sos-sampled-${engine}`, action: 'triggered' }, 0.01),
    ]);
  });

  after(async () => {
    await closeAndDrop(tp, engine === 'postgres' ? pgSchema : undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every figure this test checks, read through the API. */
  async function figures() {
    const byRoute = await getJson<{ values: (MetricJson & { filter: { val: string } })[] }>(`${tp.url}/api/v1/metrics/api_success_rate?by=route`);
    return {
      api_success_rate: await metric('api_success_rate'),
      api_response_time: await metric('api_response_time'),
      client_api_error_rate: await metric('client_api_error_rate'),
      cloud_function_error_rate: await metric('cloud_function_error_rate'),
      ai_service_success_rate: await metric('ai_service_success_rate'),
      slow_query_count: await metric('slow_query_count'),
      error_rate: await metric('error_rate'),
      checkin_success_rate: await metric('checkin_success_rate'),
      abnormal_access: await metric('abnormal_access'),
      byRoute: Object.fromEntries(byRoute.values.map((v) => [v.filter.val, v])),
    };
  }

  function assertTruth(f: Awaited<ReturnType<typeof figures>>) {
    const close = (m: MetricJson, want: number, rel = 1e-6) =>
      assert.ok(m.value !== null && Math.abs(m.value - want) <= Math.abs(want) * rel + 1e-3, `expected ≈${want}, got ${m.value}`);
    // error rates: the true rate, not failures / (kept successes + failures)
    close(f.api_success_rate, truth.apiSuccess);
    assert.equal(f.api_success_rate.samples, serverApi.length);
    assert.equal(f.api_success_rate.details?.failures, serverApi.filter((e) => !e.ok).length);
    close(f.byRoute['/api/checkin']!, truth.routeSuccess('/api/checkin'));
    close(f.byRoute['/api/diary']!, truth.routeSuccess('/api/diary'));
    assert.equal(f.byRoute['/api/checkin']!.samples, 1000);
    close(f.client_api_error_rate, truth.clientApiError);
    close(f.cloud_function_error_rate, truth.fnError);
    assert.equal(f.cloud_function_error_rate.state, 'ok', 'a 1 % function error rate must not page anyone');
    close(f.ai_service_success_rate, truth.aiSuccess);
    // p95 of the weighted kept calls: the sketch's 1 % plus the sampling's own spread
    close(f.api_response_time, truth.apiP95, 0.02);
    assert.equal(f.api_response_time.samples, serverApi.length);
    // counts
    assert.equal(f.slow_query_count.value, truth.slow);
    close(f.error_rate, truth.jsErrorRate);
    assert.equal(f.error_rate.details?.denominator, pageViews.length);
    // never-sampled types count once
    assert.deepEqual([f.checkin_success_rate.details?.numerator, f.checkin_success_rate.details?.denominator], [18, 20]);
    close(f.checkin_success_rate, 90);
    assert.equal(f.abnormal_access.details?.worstSourceFailures, 15);
    assert.equal(f.abnormal_access.value, 0, '15 failed logins are below the burst limit of 20');
  }

  test('error rates, p95, counts and breakdowns equal the unsampled truth', async () => {
    assertTruth(await figures());
    const sos = (await tp.platform.rollups.totals(['sos'], T0 - 60 * 60_000, T0 + 60_000)).get('sos')!;
    assert.equal(sos.n, 1, 'an SOS claiming a 1 % rate is still one SOS');
  });

  test('rollups rebuilt from the stored batches at start give the same figures', async () => {
    const before = await figures();
    await tp.close();
    // forget every rollup and the watermark: the next start replays every stored batch
    const store = await openStore(config, dataDir);
    const removed = await store.prune({ business: 0, system: 0, security: 0, exception: 0 }, 0, Number.MAX_SAFE_INTEGER);
    assert.ok(removed.rollups > 0 && removed.batches === 0, JSON.stringify(removed));
    await store.writeRollups([], 0);
    await store.close();
    tp = await startPlatform({ config, clock, dataDir });
    const after = await figures();
    assertTruth(after);
    assert.deepEqual(after, before);
  });
});
