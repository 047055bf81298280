/**
 * The collector's front door under bad input: every malformed request gets a clear 4xx JSON error
 * naming what is wrong, the server keeps serving, and nothing but the valid events is stored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import { envelope, getJson, post, startPlatform, testConfig, type TestPlatform } from './helpers.js';

let tp: TestPlatform;
const DAY = 86_400_000;

before(async () => {
  tp = await startPlatform();
});
after(async () => {
  await tp.close();
});

const pageLoad = (extra: Record<string, unknown> = {}) => ({ type: 'page_load', page: 'pages/index/index', duration: 800, ...extra });

async function expectError(p: Promise<{ status: number; json: Record<string, unknown> }>, status: number, field: string | RegExp, code?: string) {
  const r = await p;
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(typeof r.json.message, 'string');
  assert.ok(typeof r.json.code === 'string');
  if (code) assert.equal(r.json.code, code);
  if (typeof field === 'string') assert.equal(r.json.field, field);
  else assert.match(String(r.json.field), field);
  return r.json;
}

test('authentication: missing or unknown ingest key', async () => {
  await expectError(post(tp.url, undefined, envelope([pageLoad()])), 401, 'x-mgops-key', 'UNAUTHORIZED');
  await expectError(post(tp.url, 'mgk_not-a-real-key-000000000', envelope([pageLoad()])), 401, 'x-mgops-key', 'UNAUTHORIZED');
});

test('malformed bodies', async () => {
  await expectError(post(tp.url, tp.key, null, { raw: '{"v":1,"app":' }), 400, 'body', 'INVALID_JSON');
  await expectError(post(tp.url, tp.key, null, { raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }), 400, 'body', 'INVALID_ENCODING');
  await expectError(post(tp.url, tp.key, null, { raw: '[1,2,3]' }), 400, '/', 'INVALID_FIELD');
  await expectError(post(tp.url, tp.key, null, { raw: '{"a":1}', contentType: 'text/xml' }), 415, 'content-type');
  await expectError(post(tp.url, tp.key, null, { raw: 'not gzip', headers: { 'content-encoding': 'gzip' } }), 400, 'content-encoding');
  await expectError(post(tp.url, tp.key, null, { raw: '{}', headers: { 'content-encoding': 'br' } }), 415, 'content-encoding');
  // deep nesting inside an otherwise valid batch: the event is rejected, naming its field
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const nested = JSON.stringify(envelope([pageLoad({ attrs: { x: 0 } })])).replace('{"x":0}', `{"x":${deep}}`);
  await expectError(post(tp.url, tp.key, null, { raw: nested }), 400, /^events\.0\.attrs/);
});

test('envelope fields', async () => {
  const { sdk: _s, ...noSdk } = envelope([pageLoad()]);
  await expectError(post(tp.url, tp.key, noSdk), 400, 'sdk');
  await expectError(post(tp.url, tp.key, { ...envelope([pageLoad()]), v: 2 }), 400, 'v');
  await expectError(post(tp.url, tp.key, { ...envelope([pageLoad()]), env: 'moon' }), 400, 'env');
  await expectError(post(tp.url, tp.key, { ...envelope([pageLoad()]), app: 'other-app' }), 403, 'app');
  await expectError(post(tp.url, tp.key, { ...envelope([pageLoad()]), sentAt: 'yesterday' }), 400, 'sentAt');
  await expectError(post(tp.url, tp.key, { ...envelope([pageLoad()]), extra: true }), 400, /extra|\//);
});

test('size limits: body, batch, strings', async () => {
  const big = envelope(Array.from({ length: 700 }, () => ({ type: 'js_error', kind: 'error', message: 'x'.repeat(2000) })));
  await expectError(post(tp.url, tp.key, big), 413, 'body', 'PAYLOAD_TOO_LARGE');
  // a gzip body that inflates beyond the limit
  const bomb = gzipSync(Buffer.from(JSON.stringify({ pad: 'a'.repeat(3_000_000) })));
  await expectError(post(tp.url, tp.key, null, { raw: bomb, headers: { 'content-encoding': 'gzip' } }), 413, 'body');
  await expectError(post(tp.url, tp.key, envelope(Array.from({ length: 1001 }, () => ({ type: 'feature_use', feature: 'x' })))), 413, 'events');
  await expectError(post(tp.url, tp.key, envelope([{ type: 'js_error', kind: 'error', message: 'm'.repeat(5000) }])), 400, 'events.0.message');
  await expectError(post(tp.url, tp.key, envelope([pageLoad({ attrs: { nested: { deep: { deeper: 1 } } } })])), 400, /^events\.0\.attrs/);
});

test('event fields: wrong types, missing fields, unknown types, timestamps', async () => {
  await expectError(post(tp.url, tp.key, envelope([pageLoad({ duration: 'slow' })])), 400, 'events.0.duration');
  await expectError(post(tp.url, tp.key, envelope([{ type: 'page_load', page: 'x' }])), 400, 'events.0.duration');
  await expectError(post(tp.url, tp.key, envelope([{ type: 'telepathy' }])), 400, 'events.0.type');
  await expectError(post(tp.url, tp.key, envelope([pageLoad({ id: 'short' })])), 400, 'events.0.id');
  const now = Date.now();
  await expectError(post(tp.url, tp.key, envelope([pageLoad({ ts: now + 3_600_000 })])), 400, 'events.0.ts');
  await expectError(post(tp.url, tp.key, envelope([pageLoad({ ts: now - 30 * DAY })])), 400, 'events.0.ts');
});

test('a batch keeps its valid events and reports the rejected ones by index and field', async () => {
  const body = envelope([pageLoad(), pageLoad({ duration: -5 }), pageLoad(), { type: 'nope' }]);
  const r = await post(tp.url, tp.key, body);
  assert.equal(r.status, 200);
  assert.equal(r.json.accepted, 2);
  const rejected = r.json.rejected as { index: number; field: string }[];
  assert.deepEqual(rejected.map((x) => [x.index, x.field]), [[1, 'events.1.duration'], [3, 'events.3.type']]);
  // a retry of the same batch stores nothing twice
  const again = await post(tp.url, tp.key, body);
  assert.equal(again.json.accepted, 0);
  assert.equal(again.json.duplicates, 2);
});

test('clock skew is corrected from sentAt', async () => {
  const skew = 2 * 3_600_000; // the phone's clock is two hours fast
  const body = envelope([pageLoad({ page: 'pages/skewed/index' })], { sentAt: Date.now() + skew });
  const r = await post(tp.url, tp.key, body);
  assert.equal(r.status, 200);
  assert.equal(r.json.accepted, 1);
  const { events } = await getJson<{ events: { page: string; t: number }[] }>(`${tp.url}/api/v1/events?type=page_load&limit=1000`);
  const e = events.find((x) => x.page === 'pages/skewed/index');
  assert.ok(e && Math.abs(e.t - Date.now()) < 10_000, `corrected time ${e?.t}`);
});

test('after all the bad input: still serving, and only valid events stored', async () => {
  const r = await post(tp.url, tp.key, envelope([pageLoad({ page: 'pages/final/index' })]), { gzip: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.accepted, 1);
  const { events } = await getJson<{ events: { type: string; page?: string }[] }>(`${tp.url}/api/v1/events?limit=1000`);
  assert.equal(events.length, 4); // 2 from the mixed batch, the skewed one, the final one
  assert.ok(events.every((e) => e.type === 'page_load'));
  const health = await fetch(`${tp.url}/readyz`);
  assert.equal(health.status, 200);
  const metrics = await (await fetch(`${tp.url}/metrics`)).text();
  assert.match(metrics, /mgops_ingest_rejects_total\{reason="invalid_event"\} \d+/);
});

test('per-key rate limit answers 429 with Retry-After', async () => {
  const limited = await startPlatform({ config: testConfig((c) => (c.ingest.rateLimit = { requestsPerSecond: 1, burst: 2 })) });
  try {
    const codes: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const r = await post(limited.url, limited.key, envelope([pageLoad()]));
      codes.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    assert.deepEqual(codes.slice(0, 2), [200, 200]);
    assert.equal(codes[3], 429);
    assert.ok(retryAfter && Number(retryAfter) >= 1);
  } finally {
    await limited.close();
  }
});

test('too many requests in progress: 429 before the body is read, then serving again', async () => {
  const tp2 = await startPlatform({ config: testConfig((c) => (c.ingest.maxConcurrentRequests = 2)) });
  try {
    const target = new URL(`${tp2.url}/api/v1/events`);
    const body = JSON.stringify(envelope([pageLoad()]));
    // two uploads that have sent their headers and half their body
    const slow = [0, 1].map(() => {
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'x-mgops-key': tp2.key, 'content-length': Buffer.byteLength(body) } });
      const done = new Promise<number>((resolve) => req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); }));
      req.write(body.slice(0, 100));
      return { req, done };
    });
    await new Promise((r) => setTimeout(r, 200));
    const third = await post(tp2.url, tp2.key, envelope([pageLoad()]));
    assert.equal(third.status, 429);
    assert.equal(third.json.code, 'OVERLOADED');
    assert.equal(third.headers.get('retry-after'), '1');
    for (const s of slow) s.req.end(body.slice(100));
    assert.deepEqual(await Promise.all(slow.map((s) => s.done)), [200, 200]);
    assert.equal((await post(tp2.url, tp2.key, envelope([pageLoad()]))).status, 200);
  } finally {
    await tp2.close();
  }
});
