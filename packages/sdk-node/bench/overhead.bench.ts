/**
 * `npm run bench:sdk-node`: what the SDK costs a host.
 *  - per invocation: a trivial handler bare vs wrapped by `withMonitoring`, with the real sdk-core
 *    client behind it (capture, batching, JSON, a flush on every invocation) and an in-process
 *    transport that answers at once — the SDK's own CPU, not the network;
 *  - per database call: a resolved query bare vs through the pg/mysql2 wrapper and the CloudBase
 *    requester wrapper;
 *  - cold start: importing the bundled SDK (what ships in a cloud function) in a fresh process,
 *    against importing an empty module.
 * The last line is `sdk-node overhead: <X> us/invocation, <Y> us/db call`.
 */
import { EventEmitter } from 'node:events';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createClient } from '@mgops/sdk-core';
import { Recorder, withMonitoring, instrumentSqlPool, instrumentCloudbaseRequester } from '../src/index.js';

const INVOCATIONS = 20_000;
const QUERIES = 50_000;

const ok = { status: 200, headers: {}, body: '{"accepted":1,"duplicates":0,"rejected":[]}' };
const client = createClient(
  { endpoint: 'http://127.0.0.1:1', key: 'mgk_bench_key_000000', app: 'mindguard', env: 'staging', sdk: { name: 'mgops-node', version: 'bench' } },
  async () => ok,
);
const recorder = new Recorder({ sink: client });

async function time(n: number, fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n; // µs per call
}

async function best(n: number, fn: () => Promise<unknown>, rounds = 3): Promise<number> {
  let m = Infinity;
  for (let r = 0; r < rounds; r++) m = Math.min(m, await time(n, fn));
  return m;
}

const ctx = { request_id: 'bench-req-0001', function_name: 'bench', function_version: '$LATEST', time_limit_in_ms: 3000, memory_limit_in_mb: 256 };
const handler = async (e: { n: number }) => e.n + 1;
const wrapped = withMonitoring(handler, { recorder, flushBudgetMs: 300 });
await time(2000, () => wrapped({ n: 1 }, ctx)); // warm-up (JIT)
await time(2000, () => handler({ n: 1 }));
const bareInv = await best(INVOCATIONS, () => handler({ n: 1 }));
const monInv = await best(INVOCATIONS, () => wrapped({ n: 1 }, ctx));
const perInvocation = Math.max(0, monInv - bareInv);

// a pool-shaped emitter whose connection answers at once (pg's promise API)
function fakePool() {
  const pool = new EventEmitter();
  const conn = { query: (_text: string, _values?: unknown[]) => Promise.resolve({ rows: [{ id: 1 }], rowCount: 1 }) };
  return { pool, conn };
}
const plain = fakePool();
const inst = fakePool();
instrumentSqlPool(inst.pool, { recorder });
inst.pool.emit('acquire', inst.conn);
const SQL = 'SELECT id, mood FROM mood_checkins WHERE uid = $1 AND day >= $2 LIMIT 20';
class Requester {
  send(_api: string, _data: unknown): Promise<unknown> {
    return Promise.resolve({ requestId: 'r', data: { list: ['{"_id":"a"}'] } });
  }
}
const bareReq = new Requester();
class Wrapped extends Requester {}
instrumentCloudbaseRequester(Wrapped, { recorder });
const cbReq = new Wrapped();
const params = { collectionName: 'mood_checkins', query: '{"uid":"x","day":{"$gte":20250101}}', limit: 20 };
const drain = () => client.flush(1000);
await time(5000, () => inst.conn.query(SQL, ['u', 1]));
await drain();
const bareSql = await best(QUERIES, () => plain.conn.query(SQL, ['u', 1]));
const monSql = await best(10_000, async () => {
  await inst.conn.query(SQL, ['u', 1]);
});
await drain();
const bareCb = await best(QUERIES, () => bareReq.send('database.getDocument', params));
const monCb = await best(10_000, () => cbReq.send('database.getDocument', params));
await drain();
const perSql = Math.max(0, monSql - bareSql);
const perCb = Math.max(0, monCb - bareCb);
const perDb = Math.max(perSql, perCb);

// cold start: import the bundle in fresh processes
const dir = mkdtempSync(join(tmpdir(), 'mgops-bench-'));
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const bundle = join(dir, 'sdk.mjs');
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'silent' });
const empty = join(dir, 'empty.mjs');
writeFileSync(empty, 'export {};\n');
const probe = (file: string) =>
  Number(execFileSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`]).toString());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const runs = 7;
const importSdk = median(Array.from({ length: runs }, () => probe(bundle)));
const importEmpty = median(Array.from({ length: runs }, () => probe(empty)));
const { statSync } = await import('node:fs');
const bytes = statSync(bundle).size;
rmSync(dir, { recursive: true, force: true });
await client.close(100);

const f = (x: number) => x.toFixed(1);
console.log(`invocation: bare ${f(bareInv)} us, monitored ${f(monInv)} us (capture + flush through sdk-core every invocation)`);
console.log(`pg/mysql2 query: bare ${f(bareSql)} us, monitored ${f(monSql)} us; CloudBase send: bare ${f(bareCb)} us, monitored ${f(monCb)} us`);
console.log(`cold start: importing the bundled SDK (${(bytes / 1024).toFixed(0)} KiB) costs ${f(importSdk - importEmpty)} ms (import ${f(importSdk)} ms vs empty module ${f(importEmpty)} ms, median of ${runs})`);
console.log(`sdk-node overhead: ${f(perInvocation)} us/invocation, ${f(perDb)} us/db call`);
