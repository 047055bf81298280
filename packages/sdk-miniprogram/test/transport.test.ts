/**
 * Losing nothing, sending nothing twice, never breaking the app: offline → online, collector down,
 * 429 with Retry-After, 500, 400, time-outs, lost answers, storage full, a throwing beforeSend,
 * a throwing app callback, the flush on app hide within WeChat's 5 s window, at most 2 requests in
 * flight, the remote kill-switch and sampling overrides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig, type Rig } from './harness.js';
import { SimClock } from './sim/index.js';

type Dict = Record<string, unknown>;

function capture(r: Rig, n: number, prefix = 'f'): void {
  for (let i = 0; i < n; i++) r.mg.track(`${prefix}${i}`, { i });
}

function features(r: Rig): string[] {
  return r.collector.byType('feature_use').map((e) => (e.type === 'feature_use' ? e.feature : '')).sort();
}

const expected = (n: number, prefix = 'f'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`).sort();
const page = { 'pages/home/index': (g: { Page: (o: Dict) => void }) => g.Page({}) };

test('offline → online: everything delivered exactly once, also across a restart while offline', async () => {
  const a = await rig({ sim: { network: 'none' }, pages: page });
  await a.sim.launch();
  capture(a, 30);
  await a.sim.run(120_000);
  assert.equal(a.collector.requests, 0, 'offline: nothing reached the collector');
  assert.ok((a.mg.stats()?.retries ?? 0) >= 3, 'retried with back-off');
  capture(a, 10, 'g');
  await a.sim.run(2000);
  const at = a.sim.clock.now();
  a.sim.kill(); // the app is ended while still offline
  const b = await rig({ collector: a.collector, backend: a.backend, sim: { storage: a.sim.storage, clock: new SimClock(at + 3_600_000), network: 'none' }, pages: page });
  await b.sim.launch();
  capture(b, 5, 'h');
  await b.sim.run(30_000);
  b.sim.setNetwork('wifi'); // back online: sent at once, without waiting for the back-off
  await b.sim.run(500);
  assert.deepEqual(features(b), [...expected(30), ...expected(10, 'g'), ...expected(5, 'h')].sort());
  assert.equal(b.collector.duplicates, 0);
  assert.deepEqual(b.collector.problems, []);
  await b.close();
  await a.collector.close();
  await a.backend.close();
});

test('collector down, 500, 429 with Retry-After, time-outs and lost answers: retried, nothing counted twice', async () => {
  const r = await rig({ sdk: { batchSize: 10, retry: { baseMs: 1000, maxMs: 30_000 } }, pages: page });
  try {
    await r.sim.launch();
    r.collector.down = true;
    capture(r, 10, 'a');
    await r.sim.run(20_000);
    r.collector.down = false;
    r.collector.script.push({ status: 500 }, { status: 429, headers: { 'retry-after': '40' } });
    while (r.collector.requests < 2) await r.sim.run(250);
    const at429 = r.sim.clock.now();
    await r.sim.run(39_000);
    assert.equal(r.collector.requests, 2, 'Retry-After (40 s) honoured');
    while (r.collector.requests < 3) await r.sim.run(250);
    assert.ok(r.sim.clock.now() - at429 >= 40_000 && r.sim.clock.now() - at429 <= 61_000, String(r.sim.clock.now() - at429));
    await r.sim.run(5_000);
    assert.deepEqual(features(r).filter((f) => f.startsWith('a')), expected(10, 'a'));
    // a hanging collector: the request times out (10 s) and is retried
    r.collector.script.push({ hang: true }, { commit: true });
    capture(r, 10, 'b');
    await r.sim.run(60_000);
    assert.deepEqual(features(r).filter((f) => f.startsWith('b')), expected(10, 'b'));
    assert.ok(r.collector.duplicates >= 10, 'the answer lost after commit made the retry a duplicate');
    assert.equal(r.collector.byType('feature_use').length, 20, 'each event stored once');
    assert.deepEqual(r.collector.problems, []);
  } finally {
    await r.close();
  }
});

test('other 4xx: not retried, dropped and counted', async () => {
  const r = await rig({ pages: page });
  try {
    await r.sim.launch();
    await r.sim.run(3000);
    r.collector.script.push({ status: 400, body: { code: 'BAD', message: 'bad', field: 'events' } });
    capture(r, 3);
    await r.sim.run(60_000);
    assert.equal(r.mg.stats()?.dropped.rejected, 3);
    assert.equal(r.collector.byType('feature_use').length, 0);
    const log = r.collector.byType('log')[0];
    assert.equal(log?.type === 'log' && log.attrs?.dropped_rejected, 3, 'the loss is reported to the platform');
  } finally {
    await r.close();
  }
});

test('at most 2 requests in flight', async () => {
  const r = await rig({ sdk: { batchSize: 5 }, pages: page });
  try {
    await r.sim.launch();
    await r.sim.run(10);
    for (let i = 0; i < 6; i++) r.collector.script.push({ hang: true });
    capture(r, 40);
    await r.sim.run(500);
    assert.equal(r.collector.maxConcurrent, 2);
    await r.sim.run(300_000);
    assert.deepEqual(features(r), expected(40));
    assert.ok(r.collector.maxConcurrent <= 2);
  } finally {
    await r.close();
  }
});

test('app hide: queued events flushed within the 5 s window; a collector too slow for it loses nothing', async () => {
  const r = await rig({ sdk: { flushIntervalMs: 60_000 }, pages: page });
  try {
    await r.sim.launch();
    capture(r, 8);
    await r.sim.background();
    await r.sim.run(1000);
    assert.deepEqual(features(r), expected(8), 'sent on hide, not after the 60 s interval');
    await r.sim.foreground();
    // now the collector hangs: WeChat interrupts the request after 5 s in the background
    r.collector.script.push({ hang: true });
    capture(r, 4, 'late');
    await r.sim.background();
    await r.sim.run(6000);
    assert.equal(features(r).filter((f) => f.startsWith('late')).length, 0);
    assert.ok(String(r.sim.storage.get('mgops_q')).includes('late0'), 'kept in storage');
    await r.sim.foreground();
    await r.sim.run(120_000);
    assert.equal(features(r).filter((f) => f.startsWith('late')).length, 4);
    assert.equal(r.collector.duplicates, 0);
  } finally {
    await r.close();
  }
});

test('storage full, a throwing beforeSend and a throwing app callback: the app keeps working, losses counted', async () => {
  let calls = 0;
  const r = await rig({
    sdk: {
      beforeSend: (e) => {
        if (e.type === 'feature_use' && e.feature === 'f1') throw new Error('hook bug');
        return e;
      },
    },
    pages: page,
  });
  try {
    await r.sim.launch();
    r.sim.storage.totalLimit = r.sim.storage.used() + 200; // the device is nearly full
    r.collector.down = true;
    capture(r, 5);
    const request = r.sim.g.wx.request as (o: Dict) => unknown;
    request({
      url: r.backend.url + '/api/mood',
      success: () => {
        calls++;
        throw new Error('app callback bug');
      },
    });
    await r.sim.run(3000);
    assert.equal(calls, 1);
    assert.equal(r.sim.errors.length, 1, 'the app callback error reached the runtime as before');
    const st = r.mg.stats();
    assert.ok((st?.persistErrors ?? 0) > 0, 'storage full counted');
    assert.equal(st?.dropped.before_send_error, 1);
    r.collector.down = false;
    r.sim.storage.totalLimit = 10 * 1024 * 1024;
    await r.sim.run(120_000);
    assert.deepEqual(features(r), ['f0', 'f2', 'f3', 'f4']);
    assert.equal(r.collector.byType('api_request').length, 1);
    const rep = r.collector.byType('log').find((e) => e.type === 'log' && e.logger === 'mgops.sdk');
    assert.equal(rep?.attrs?.dropped_before_send_error, 1);
  } finally {
    await r.close();
  }
});

test('remote kill-switch and sampling overrides from the collector', async () => {
  const r = await rig({ pages: page });
  try {
    await r.sim.launch();
    r.collector.config = { enabled: true, sampling: { page_view: 0 } };
    capture(r, 1);
    await r.sim.run(3000);
    await r.sim.navigateTo('pages/home/index');
    await r.sim.navigateBack();
    r.mg.checkin.success();
    r.collector.config = { enabled: false };
    await r.sim.run(3000);
    const n = r.collector.events.size;
    capture(r, 5, 'off');
    await r.sim.run(600_000);
    assert.equal(r.collector.events.size, n, 'disabled: nothing more is sent');
    assert.equal(r.mg.stats()?.enabled, false);
    assert.equal(r.collector.byType('page_view').length, 0, 'page views sampled out by the override');
    assert.equal(r.collector.byType('checkin').length, 1, 'business events never sampled');
  } finally {
    await r.close();
  }
});
