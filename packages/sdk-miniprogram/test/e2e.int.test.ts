/**
 * End to end: the SDK inside the simulated mini-program sends to the real MindGuard Ops collector
 * (`mgops start`, a child process with a fresh data folder and ingest key); events and a metric are
 * read back through the platform's API with the values the simulation produced, the check-in funnel
 * and the step where users left as the platform derives them. Offline → online delivers everything
 * exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MgEvent } from '@mgops/protocol';
import { loadSdk, BACKEND_ROUTES } from './harness.js';
import { MiniProgramSim, SimClock, startBackend } from './sim/index.js';
import type { MgOptions } from '../src/index.js';

type Dict = Record<string, unknown>;
const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'packages/server/src/cli.ts');

async function startPlatform(): Promise<{ url: string; key: string; get(path: string): Promise<Dict>; stop(): Promise<void> }> {
  const data = await mkdtemp(join(tmpdir(), 'mgops-sdk-mp-'));
  const env = { ...process.env, NODE_ENV: 'test' };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'keys', 'create', '--app', 'mindguard', '--data', data], { cwd: root, env });
  const key = stdout.trim().split('\n')[0] ?? '';
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'start', '--port', '0', '--host', '127.0.0.1', '--data', data, '--auth', 'off'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const until = Date.now() + 30_000;
  let url: string | undefined;
  while (!(url = /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1])) {
    if (Date.now() > until || child.exitCode !== null) throw new Error('collector did not start: ' + out.slice(-600));
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = url;
  return {
    url: base,
    key,
    get: (path) =>
      new Promise<Dict>((resolve, reject) => {
        // a fresh connection per call (no keep-alive pool to outlive the server)
        http
          .get(base + path, { agent: false }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as Dict) : reject(new Error(`GET ${path}: ${res.statusCode} ${text}`))));
          })
          .on('error', reject);
      }),
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await rm(data, { recursive: true, force: true });
    },
  };
}

test('SDK in the simulated mini-program → real collector → values read back through the API', { timeout: 120_000 }, async () => {
  const platform = await startPlatform();
  const backend = await startBackend(BACKEND_ROUTES);
  const events = async <T extends MgEvent['type']>(type: T): Promise<Array<Extract<MgEvent, { type: T }>>> => {
    const r = await platform.get(`/api/v1/events?type=${type}&limit=1000&from=now-2d`);
    return (r.events as Array<Extract<MgEvent, { type: T }>>) ?? [];
  };
  try {
    const clock = new SimClock(Date.now() - 600_000);
    const sim = new MiniProgramSim({ clock, latency: (u) => (u.startsWith(backend.url) ? 70 : 0), launchMs: 400, renderMs: 120, routeMs: 30, network: 'none' });
    const mg = await loadSdk();
    sim.appJs((g) => {
      mg.init({ endpoint: platform.url, key: platform.key, env: 'staging', release: '1.4.0', global: g, clock, flushIntervalMs: 2000 } as MgOptions);
      g.App({});
    });
    sim.page('pages/home/index', (g) => g.Page({}));
    sim.page('pages/checkin/index', (g) =>
      g.Page({
        onLoad() {
          mg.funnel('checkin', 'open');
          (g.wx.request as (o: Dict) => unknown)({ url: backend.url + '/api/checkin/42?uid=13812345678', method: 'POST', data: { mood: 'bad' } });
        },
        onBad() {
          throw new TypeError('mood is undefined');
        },
      }),
    );
    // offline for the first part of the session: everything is queued
    await sim.launch('pages/home/index');
    for (let i = 0; i < 22; i++) {
      await sim.navigateTo('pages/checkin/index');
      mg.funnel('checkin', 'choose_mood');
      mg.funnel('checkin', 'submit');
      mg.checkin.attempt();
      if (i % 11 !== 0) {
        mg.checkin.success();
        mg.funnel('checkin', 'success');
      } else mg.checkin.failure('timeout');
      await sim.run(500);
      await sim.navigateBack();
    }
    await sim.navigateTo('pages/checkin/index');
    sim.tap('onBad');
    await sim.run(60_000);
    assert.equal(mg.stats()?.delivered, 0, 'offline: nothing delivered yet');
    sim.setNetwork('wifi');
    await sim.run(10_000);
    // online again: the app's own calls succeed too
    for (let i = 0; i < 3; i++) {
      await sim.navigateTo('pages/checkin/index');
      await sim.run(1000);
      await sim.navigateBack();
    }
    const p = mg.flush(5000);
    await sim.run(100);
    assert.equal(await p, true);
    const st = mg.stats();
    assert.equal(st?.queued, 0);
    const launches = await events('app_launch');
    assert.equal(launches.length, 1);
    assert.equal(launches[0]?.duration, 520);
    const loads = await events('page_load');
    const checkinLoads = loads.filter((e) => e.page === 'pages/checkin/index');
    assert.equal(checkinLoads.length, 26);
    assert.deepEqual([...new Set(checkinLoads.map((e) => e.duration))], [150], 'route entry: 30 ms navigation + 120 ms render');
    const api = await events('api_request');
    assert.equal(api.length, 26);
    assert.deepEqual([...new Set(api.map((e) => e.route))], ['/api/checkin/:id']);
    const offline = api.filter((e) => !e.ok);
    const online = api.filter((e) => e.ok);
    assert.equal(offline.length, 23, 'the calls made while the phone was offline failed');
    assert.deepEqual([...new Set(offline.map((e) => e.errMsg))], ['request:fail net::ERR_INTERNET_DISCONNECTED']);
    assert.deepEqual(online.map((e) => [e.duration, e.status, e.method, e.code]), [[70, 200, 'POST', 0], [70, 200, 'POST', 0], [70, 200, 'POST', 0]]);
    const checkins = await events('checkin');
    assert.equal(checkins.filter((c) => c.outcome === 'attempt').length, 22);
    assert.equal(checkins.filter((c) => c.outcome === 'success').length, 20);
    const errors = await events('js_error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.message, 'TypeError: mood is undefined');
    assert.equal(errors[0]?.page, 'pages/checkin/index');
    // the collector parsed the SDK's frame lines and grouped the error
    assert.match(errors[0]?.stack ?? '', /^at \S*onBad \(\S*e2e\.int\.test\.ts:\d+:\d+\)$/m);
    assert.match(errors[0]?.fingerprint ?? '', /^[0-9a-z]{1,7}$/);
    const views = await events('page_view');
    assert.ok(views.some((v) => v.page === 'pages/checkin/index' && v.dwell === 500 + 120), 'a check-in page view of 620 ms');
    // exactly once: the offline queue was retried many times, but every id is stored once
    const all = [...launches, ...loads, ...api, ...checkins, ...errors, ...views];
    assert.equal(new Set(all.map((e) => e.id)).size, all.length);
    assert.equal(st?.duplicates, 0);
    // the collector followed the check-in runs: 22 passes (2 left after submitting), then 4 that
    // only opened the page (3 closed by the next opening, the last still within the 30 min timeout)
    const funnels = (await platform.get('/api/funnels?from=now-2d')).funnels as Array<{ name: string; runs: number; completed: number; inProgress: number; steps: Array<{ step: string; reached: number; exits: number }> }>;
    const checkin = funnels.find((f) => f.name === 'checkin');
    assert.deepEqual([checkin?.runs, checkin?.completed, checkin?.inProgress], [26, 20, 1]);
    assert.deepEqual(checkin?.steps.map((x) => [x.step, x.reached, x.exits]), [['open', 26, 3], ['choose_mood', 22, 0], ['submit', 22, 2], ['success', 20, 0]]);
    const rate = await platform.get('/api/v1/metrics/checkin_success_rate');
    assert.ok(Math.abs(Number(rate.value) - (20 / 22) * 100) < 0.01 || Math.abs(Number(rate.value) - 20 / 22) < 0.0001, 'check-in success rate 20/22: ' + JSON.stringify(rate));
    const done = mg.destroy();
    await sim.run(2500);
    await done;
  } finally {
    await backend.close();
    await platform.stop();
  }
});
