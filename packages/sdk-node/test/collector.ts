/**
 * Starts the real MindGuard Ops collector (`mgops start`) on a free port with a fresh data
 * directory and an ingest key, for end-to-end tests; reads metrics and events back over its API.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MgEvent } from '@mgops/protocol';
import { waitFor } from './support.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'packages/server/src/cli.ts');

export interface Collector {
  url: string;
  key: string;
  stop(): Promise<void>;
  metric(id: string, query?: Record<string, string>): Promise<MetricValue>;
  events<T extends MgEvent['type']>(type: T): Promise<Extract<MgEvent, { type: T }>[]>;
  waitEvents<T extends MgEvent['type']>(type: T, n: number, timeoutMs?: number): Promise<Extract<MgEvent, { type: T }>[]>;
}

export interface MetricValue {
  id: string;
  value: number | null;
  state?: string;
  samples?: number;
  [k: string]: unknown;
}

export async function startCollector(): Promise<Collector> {
  const data = await mkdtemp(join(tmpdir(), 'mgops-sdk-node-'));
  const env = { ...process.env, NODE_ENV: 'test' };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'keys', 'create', '--app', 'mindguard', '--data', data], { cwd: root, env });
  const key = stdout.trim().split('\n')[0] ?? '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, 'start', '--port', '0', '--host', '127.0.0.1', '--data', data, '--auth', 'off'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1], 90_000, `collector start (${out.slice(-400)})`);
  const get = async (path: string): Promise<unknown> => {
    const r = await fetch(url + path);
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  const events = async <T extends MgEvent['type']>(type: T) =>
    ((await get(`/api/v1/events?type=${type}&limit=1000&from=now-2d`)) as { events: Extract<MgEvent, { type: T }>[] }).events;
  return {
    url,
    key,
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await rm(data, { recursive: true, force: true });
    },
    metric: async (id, query = {}) => (await get(`/api/v1/metrics/${id}?${new URLSearchParams(query).toString()}`)) as MetricValue,
    events,
    async waitEvents(type, n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const evs = await events(type);
        if (evs.length >= n || Date.now() > until) return evs;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
