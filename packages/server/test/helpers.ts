/** Shared test helpers: a platform in process, the real CLI as a child process, batch builders. */
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { buildPlatform, type Platform, type PlatformPlugin } from '../src/app.js';
import { createKey } from '../src/ingest/keys.js';
import { PgStore } from '../src/storage/postgres/store.js';
import type { Clock } from '../src/util/clock.js';

export const ROOT = new URL('../../..', import.meta.url).pathname;
export const CLI = join(ROOT, 'packages/server/src/cli.ts');

export function tempDir(prefix = 'mgops-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(edit?: (c: Config) => void): Config {
  const { config } = loadConfig();
  config.ingest.rateLimit = { requestsPerSecond: 10_000, burst: 10_000 };
  edit?.(config);
  return config;
}

export type TestPlatform = { platform: Platform; url: string; key: string; dataDir: string; close: () => Promise<void> };

export async function startPlatform(o: { config?: Config; clock?: Clock; dataDir?: string; plugins?: PlatformPlugin[] } = {}): Promise<TestPlatform> {
  const dataDir = o.dataDir ?? tempDir();
  const platform = await buildPlatform({ config: o.config ?? testConfig(), dataDir, ...(o.clock ? { clock: o.clock } : {}), ...(o.plugins ? { plugins: o.plugins } : {}), rollupFlushMs: 200 });
  const { key } = await createKey(platform.store, 'mindguard', Date.now());
  const url = await platform.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    platform,
    url,
    key,
    dataDir,
    close: async () => {
      await platform.close();
      if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
export const uid = (p = 'ev') => `${p}-${process.pid}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

export type Ev = Record<string, unknown> & { type: string };

/** A batch envelope; events get an id and ts unless given. */
export function envelope(events: Ev[], o: { sdk?: string; sentAt?: number; release?: string; ctx?: Record<string, unknown>; env?: string } = {}) {
  const now = o.sentAt ?? Date.now();
  return {
    v: 1,
    app: 'mindguard',
    env: o.env ?? 'production',
    release: o.release ?? '2.3.1',
    sdk: { name: o.sdk ?? 'mgops-node', version: '0.1.0' },
    sentAt: now,
    ctx: o.ctx ?? { model: 'iPhone 14', os: 'iOS', osVersion: '17.5' },
    events: events.map((e) => ({ id: uid(), ts: now, ...e })),
  };
}

export async function post(url: string, key: string | undefined, body: unknown, o: { gzip?: boolean; raw?: Buffer | string; contentType?: string; headers?: Record<string, string> } = {}) {
  const payload: Buffer | string = o.raw ?? (o.gzip ? gzipSync(JSON.stringify(body)) : JSON.stringify(body));
  const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/json', ...(o.headers ?? {}) };
  if (key !== undefined) headers['x-mgops-key'] = key;
  if (o.gzip) headers['content-encoding'] = 'gzip';
  const res = await fetch(`${url}/api/v1/events`, { method: 'POST', headers, body: typeof payload === 'string' ? payload : new Uint8Array(payload) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, json, headers: res.headers };
}

/** Posts one batch to the platform and asserts every event of it was accepted. */
export async function ingestAll(tp: TestPlatform, events: Ev[], o: Parameters<typeof envelope>[1] = {}): Promise<void> {
  const res = await post(tp.url, tp.key, envelope(events, o));
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.accepted, events.length, JSON.stringify(res.json));
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The real `mgops` CLI. */
export function cli(args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
}

export type ServerProcess = { url: string; proc: ChildProcess; stop: (signal?: NodeJS.Signals) => Promise<number | null> };

/** Starts the real server process on a free port and waits until it is ready. */
export async function spawnServer(dataDir: string, extra: string[] = []): Promise<ServerProcess> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--port', String(port), '--data', dataDir, '--auth', 'off', ...extra], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  // a cold start (tsx compiling) on a loaded 2-core machine can take a while
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    proc,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve(proc.exitCode);
        proc.once('exit', (code) => resolve(code));
        proc.kill(signal);
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A seeded linear congruential generator in [0, 1): the same traffic on every run. */
export function lcg(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** nearest-rank p95, the definition SPEC.md uses */
export const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(0.95 * xs.length) - 1]!;

/** The local PostgreSQL the tests use (trust auth, database `test`; each test takes its own schema). */
export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Closes a test platform and, when it ran on PostgreSQL, drops its schema. */
export async function closeAndDrop(tp: TestPlatform, pgSchema?: string): Promise<void> {
  await tp.close();
  if (pgSchema === undefined) return;
  const pg = new PgStore(PG_URL, pgSchema);
  await pg.dropSchema();
  await pg.close();
}

