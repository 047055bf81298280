/**
 * npm run bench:ingest — drives a real collector process over loopback with batches of 100
 * realistic events, then reports throughput, acknowledgement latency, peak RSS and the raw
 * better-sqlite3 insert ceiling for comparable rows on this machine.
 * Env: DURATION_S (10), CONNS (16), BATCH (100).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { batchTemplate, fillTemplate } from './events.js';

const DURATION_S = Number(process.env.DURATION_S ?? 10);
const CONNS = Number(process.env.CONNS ?? 16);
const BATCH = Number(process.env.BATCH ?? 100);
const root = new URL('../../..', import.meta.url).pathname;
const cli = join(root, 'packages/server/src/cli.ts');

const pct = (a: number[], q: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! : NaN;
};

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function rssPeakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function waitReady(url: string) {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

type Load = { acked: number; lat: number[]; errors: number; seconds: number };

/** Sends batches for `seconds`; with `rate` (events/s) paced, else as fast as CONNS connections allow. */
async function load(url: string, key: string, seconds: number, rate?: number): Promise<Load> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS });
  const target = new URL(`${url}/api/v1/events`);
  const start = performance.now();
  const end = start + seconds * 1000;
  const lat: number[] = [];
  let acked = 0;
  let errors = 0;
  let seq = 0;
  const template = batchTemplate(BATCH);
  const post = (body: string) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-mgops-key': key, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode === 200) {
              lat.push(performance.now() - t0);
              acked += (JSON.parse(Buffer.concat(chunks).toString()) as { accepted: number }).accepted;
            } else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const nextBody = () => fillTemplate(template, `${process.pid}-${seq++}`, Date.now());
  const interval = rate ? (1000 * BATCH) / rate : 0;
  let nextAt = start;
  const worker = async () => {
    while (performance.now() < end) {
      if (rate) {
        const wait = nextAt - performance.now();
        nextAt += interval;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (performance.now() >= end) break;
      }
      await post(nextBody());
    }
  };
  await Promise.all(Array.from({ length: CONNS }, worker));
  agent.destroy();
  return { acked, lat, errors, seconds: (performance.now() - start) / 1000 };
}

function sqliteCeiling(dir: string): number {
  const db = new Database(join(dir, 'ceiling.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE ev (ts INTEGER, app_id TEXT, type TEXT, name TEXT, value REAL, page TEXT, device_model TEXT, os TEXT, version TEXT, session_id TEXT, attributes TEXT)');
  const ins = db.prepare('INSERT INTO ev VALUES (?,?,?,?,?,?,?,?,?,?,?)');
  const rows = JSON.parse(batchTemplate(1000, Date.now())).events as Record<string, unknown>[];
  const tx = db.transaction((n: number) => {
    for (let i = 0; i < 1000; i++) {
      const e = rows[i]!;
      ins.run(Date.now(), 'mindguard', e.type, e.route ?? e.page ?? e.fn ?? 'x', Number(e.duration ?? 1), e.page ?? null, 'iPhone 14', 'iOS', '2.3.1', `s-${n}-${i}`, JSON.stringify(e));
    }
  });
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 3000) tx(n++);
  const rate = (n * 1000) / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mgops-bench-'));
  const cfgText = readFileSync(join(root, 'config/mindguard.yaml'), 'utf8')
    .replace('requestsPerSecond: 200', 'requestsPerSecond: 100000')
    .replace('burst: 400', 'burst: 100000');
  const cfg = join(dir, 'bench.yaml');
  writeFileSync(cfg, cfgText);
  const data = join(dir, 'data');
  const key = execFileSync(process.execPath, ['--import', 'tsx', cli, 'keys', 'create', '--app', 'mindguard', '--data', data, '--config', cfg], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const port = 18000 + Math.floor(Math.random() * 1000);
  const server = spawn(process.execPath, [...(process.env.PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROFILE_DIR] : []), '--import', 'tsx', cli, 'start', '--port', String(port), '--data', data, '--config', cfg, '--auth', 'off'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url);
    await load(url, key, 3); // warm-up (JIT)
    const cpu0 = cpuSeconds(server.pid!);
    const full = await load(url, key, DURATION_S);
    const cpu = cpuSeconds(server.pid!) - cpu0;
    const rate = full.acked / full.seconds;
    console.error(`max: ${Math.round(rate)} events/s acked, p50 ${pct(full.lat, 0.5).toFixed(1)} ms, p99 ${pct(full.lat, 0.99).toFixed(1)} ms, errors ${full.errors}; server cpu ${((100 * cpu) / full.seconds).toFixed(0)}% = ${((cpu * 1e6) / full.acked).toFixed(1)} µs/event`);
    const half = await load(url, key, DURATION_S, rate / 2);
    console.error(`at half rate (${Math.round(rate / 2)} events/s): p50 ${pct(half.lat, 0.5).toFixed(1)} ms, p99 ${pct(half.lat, 0.99).toFixed(1)} ms, errors ${half.errors}`);
    const peak = rssPeakMb(server.pid!);
    const probe = await (await fetch(`${url}/api/v1/events?limit=1`)).json() as { events: unknown[] };
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    const db = new Database(join(data, 'mgops.db'), { readonly: true });
    const stored = (db.prepare('SELECT SUM(n) AS n FROM batches').get() as { n: number }).n;
    db.close();
    const sent = full.acked + half.acked;
    console.error(`stored ${stored} events (warm-up included); acknowledged in measured phases ${sent}; queryable: ${probe.events.length > 0}`);
    const ceiling = sqliteCeiling(dir);
    console.log(`ingest: ${Math.round(rate)} events/s, p50 ${pct(half.lat, 0.5).toFixed(1)} ms, p99 ${pct(half.lat, 0.99).toFixed(1)} ms, peak rss ${Math.round(peak)} MB, sqlite ceiling ${Math.round(ceiling)} rows/s`);
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
