/**
 * Automatic capture, checked value by value against what the simulated runtime did: launch and
 * page-load time (performance entries and lifecycle fallback), page views with dwell time, every
 * network API (duration, status, business code, errMsg, route template, sizes) with its exact
 * behaviour kept, device context.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver as send, homePage, of, rig, type Rig } from './harness.js';

type Dict = Record<string, unknown>;

async function deliver(r: Rig): Promise<void> {
  assert.equal(await send(r), true, 'flush delivered everything');
}

test('launch and page load from performance entries; page views with dwell; lifecycle order kept', async () => {
  const seen: string[] = [];
  const hooks = (name: string): Dict =>
    Object.fromEntries(['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload'].map((k) => [k, () => void seen.push(name + '.' + k)]));
  const r = await rig({
    sim: { launchMs: 400, renderMs: 120, routeMs: 30 },
    app: { onLaunch: () => seen.push('app.onLaunch'), onShow: () => seen.push('app.onShow') },
    pages: { 'pages/home/index': (g) => g.Page(hooks('home')), 'pages/checkin/index': (g) => g.Page(hooks('checkin')) },
  });
  try {
    await r.sim.launch('pages/home/index');
    const shownAt = r.sim.clock.now() - 120;
    await r.sim.run(1000);
    await r.sim.navigateTo('/pages/checkin/index?mood=bad');
    const hiddenAt = r.sim.clock.now() - 150;
    await r.sim.run(200);
    await r.sim.navigateBack();
    await deliver(r);
    assert.deepEqual(seen.slice(0, 8), ['app.onLaunch', 'app.onShow', 'home.onLoad', 'home.onShow', 'home.onReady', 'home.onHide', 'checkin.onLoad', 'checkin.onShow']);

    const [launch] = of(r, 'app_launch');
    assert.ok(launch);
    assert.equal(launch.duration, 520, 'appLaunch entry: package + scripts (400) + first render (120)');
    assert.equal(launch.cold, true);
    assert.deepEqual(launch.attrs, { src: 'perf', lifecycle: 120 });

    const loads = of(r, 'page_load');
    const home = loads.find((e) => e.page === 'pages/home/index');
    const checkin = loads.find((e) => e.page === 'pages/checkin/index');
    assert.equal(home?.duration, 120);
    assert.equal(home?.attrs?.src, 'firstRender');
    assert.equal(home?.attrs?.firstPaint, 60);
    assert.equal(checkin?.duration, 150, 'route entry: navigation (30) + render (120)');
    assert.equal(checkin?.attrs?.src, 'route');
    assert.equal(checkin?.attrs?.lifecycle, 120);

    const views = of(r, 'page_view');
    const homeView = views.find((e) => e.page === 'pages/home/index');
    assert.equal(homeView?.dwell, hiddenAt - shownAt);
    const checkinView = views.find((e) => e.page === 'pages/checkin/index');
    assert.equal(checkinView?.dwell, 200 + 120);
    assert.equal(r.collector.problems.length, 0, r.collector.problems.join('\n'));
  } finally {
    await r.close();
  }
});

test('no performance API (old base library) or entries that never come (iOS): lifecycle timing, no endless wait', async () => {
  for (const sim of [{ perf: false, baseLib: '2.10.4' }, { platform: 'ios' as const, perfDelayMs: 60_000 }]) {
    const r = await rig({ sim: { ...sim, launchMs: 300, renderMs: 90 }, pages: { 'pages/home/index': (g) => g.Page({}) } });
    try {
      await r.sim.launch();
      await r.sim.run(1500);
      await deliver(r);
      const [launch] = of(r, 'app_launch');
      assert.equal(launch?.duration, 90, 'init → first page ready');
      assert.equal(launch?.attrs?.src, 'lifecycle');
      assert.equal(of(r, 'page_load')[0]?.duration, 90);
    } finally {
      await r.close();
    }
  }
});

test('wx.request: duration, status, business code, route template, sizes; RequestTask and callbacks kept', async () => {
  let task: Dict | undefined;
  const got: Dict[] = [];
  const r = await rig({ sim: { latency: (url) => (url.includes('/api/') ? 80 : 0) }, pages: { 'pages/home/index': (g) => g.Page({}) } });
  try {
    await r.sim.launch();
    const request = r.sim.g.wx.request as (o: Dict) => Dict;
    const base = r.backend.url;
    task = request({ url: `${base}/api/mood/123456?phone=13812345678#x`, success: (res: Dict) => got.push(res), complete: () => got.push({ complete: true }) });
    request({ url: `${base}/api/fail`, method: 'POST', data: { diary: '今天很难过' }, fail: () => got.push({ fail: true }) });
    request({ url: `${base}/api/boom` });
    request({ url: `${base}/api/hang`, timeout: 3000, fail: (e: Dict) => got.push(e) });
    assert.equal(typeof task.abort, 'function', 'a RequestTask is returned');
    assert.equal(typeof task.onHeadersReceived, 'function');
    await r.sim.run(3500);
    await deliver(r);
    assert.equal((got[0]?.data as Dict).code, 0, 'the app got its answer unchanged');
    assert.deepEqual(got[1], { complete: true });
    assert.deepEqual(got[2], { errMsg: 'request:fail timeout' });
    const api = of(r, 'api_request');
    const mood = api.find((e) => e.route === '/api/mood/:id');
    assert.ok(mood, JSON.stringify(api.map((e) => e.route)));
    assert.equal(mood.duration, 80);
    assert.equal(mood.status, 200);
    assert.equal(mood.ok, true);
    assert.equal(mood.code, 0);
    assert.equal(mood.method, 'GET');
    assert.equal(mood.api, 'request');
    assert.ok((mood.resBytes ?? 0) > 10);
    const fail = api.find((e) => e.route === '/api/fail');
    assert.equal(fail?.ok, false);
    assert.equal(fail?.code, 40013);
    assert.equal(fail?.reqBytes, JSON.stringify({ diary: '今天很难过' }).length);
    const boom = api.find((e) => e.route === '/api/boom');
    assert.equal(boom?.status, 500);
    assert.equal(boom?.ok, false);
    const hang = api.find((e) => e.route === '/api/hang');
    assert.equal(hang?.ok, false);
    assert.equal(hang?.errMsg, 'request:fail timeout');
    assert.equal(hang?.duration, 3000);
  } finally {
    await r.close();
  }
});

test('cloud.callFunction and callContainer in both forms, uploadFile and downloadFile', async () => {
  const r = await rig({
    sim: {
      cloudLatency: 40,
      latency: 25,
      cloud: {
        checkin: () => ({ code: 0 }),
        risky: () => ({ errcode: 5001 }),
        broken: () => {
          throw new Error('db down');
        },
      },
    },
    pages: { 'pages/home/index': (g) => g.Page({}) },
  });
  try {
    await r.sim.launch();
    const wx = r.sim.g.wx as Dict & { cloud: Dict };
    const call = wx.cloud.callFunction as (o: Dict) => Promise<Dict> | undefined;
    const p = call({ name: 'checkin', data: { mood: 3 } });
    assert.ok(p && typeof p.then === 'function', 'promise form kept');
    let cbResult: Dict | undefined;
    assert.equal(call({ name: 'risky', success: (res: Dict) => (cbResult = res) }), undefined, 'callback form returns nothing, as in WeChat');
    const broken = call({ name: 'broken' }) as Promise<Dict>;
    const brokenErr = broken.catch((e: Dict) => e);
    const container = (wx.cloud.callContainer as (o: Dict) => Promise<Dict>)({ path: '/api/mood/42', method: 'GET' });
    r.sim.files.set('wxfile://avatar.png', Buffer.alloc(2048, 1));
    (wx.uploadFile as (o: Dict) => unknown)({ url: r.backend.url + '/api/checkin', filePath: 'wxfile://avatar.png', name: 'file' });
    (wx.downloadFile as (o: Dict) => unknown)({ url: r.backend.url + '/api/mood' });
    await r.sim.run(200);
    assert.deepEqual((await p).result, { code: 0 });
    assert.deepEqual(cbResult?.result, { errcode: 5001 });
    assert.match(String((await brokenErr).errMsg), /^cloud.callFunction:fail -404011/);
    assert.equal((await container).statusCode, 200);
    await deliver(r);
    const api = of(r, 'api_request');
    const byRoute = (route: string) => api.find((e) => e.route === route);
    assert.deepEqual([byRoute('checkin')?.ok, byRoute('checkin')?.code, byRoute('checkin')?.duration, byRoute('checkin')?.api], [true, 0, 40, 'callFunction']);
    assert.deepEqual([byRoute('risky')?.ok, byRoute('risky')?.code], [false, 5001]);
    assert.equal(byRoute('broken')?.ok, false);
    assert.match(String(byRoute('broken')?.errMsg), /-404011/);
    const cont = api.find((e) => e.api === 'callContainer');
    assert.deepEqual([cont?.route, cont?.status, cont?.duration], ['/api/mood/:id', 200, 25]);
    assert.equal(api.find((e) => e.api === 'uploadFile')?.status, 200);
    assert.equal(api.find((e) => e.api === 'downloadFile')?.status, 200);
  } finally {
    await r.close();
  }
});

test('device and environment context: brand, model, OS, WeChat and base library, screen, benchmark, network and its changes', async () => {
  const r = await rig({ pages: { 'pages/home/index': homePage(() => r.backend.url) } });
  try {
    await r.sim.launch();
    await deliver(r);
    assert.deepEqual(r.collector.batches[0]?.envelope.ctx, {
      brand: 'HUAWEI',
      model: 'ELS-AN00',
      os: 'Android',
      osVersion: '12',
      platform: 'android',
      wechat: '8.0.50',
      baseLib: '3.4.10',
      screen: '393x851@3',
      benchmark: 28,
      network: 'wifi',
    });
    r.sim.setNetwork('4g');
    r.mg.track('diary_open');
    await deliver(r);
    assert.equal((r.collector.batches.at(-1)?.envelope.ctx as Dict | undefined)?.network, '4g');
    assert.equal(r.collector.batches[0]?.envelope.sdk && (r.collector.batches[0].envelope.sdk as Dict).name, 'mgops-miniprogram');
  } finally {
    await r.close();
  }
});
