/**
 * Plugin mode: with plugins declared, wx, App, Page and Component are not writable. init() notices,
 * leaves them alone, and the explicit wrappers (App(mg.app()), Page(mg.page()), mg.request(),
 * mg.callFunction()) capture the same metrics. destroy() restores what automatic mode replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig } from './harness.js';
import type { Mg } from '../src/index.js';

type Dict = Record<string, unknown>;

test('non-writable wx/App/Page: explicit wrappers capture launch, pages, requests, cloud calls and errors', async () => {
  const ref: { mg?: Mg } = {};
  const r = await rig({
    explicit: true,
    sim: { frozen: true, latency: 30, cloud: { checkin: () => ({ code: 0 }) } },
    pages: {
      'pages/home/index': (g) =>
        g.Page(
          (ref.mg as Mg).page({
            onLoad() {
              (ref.mg as Mg).request({ url: (g.getApp() as { globalData: { api: string } }).globalData.api + '/api/mood/9' });
              void ((ref.mg as Mg).callFunction({ name: 'checkin' }) as Promise<unknown>).then(() => undefined);
            },
            onTapBad() {
              throw new Error('plugin page error');
            },
          }),
        ),
    },
  });
  ref.mg = r.mg;
  try {
    const appBefore = r.sim.g.App;
    const requestBefore = r.sim.g.wx.request;
    await r.sim.launch();
    assert.equal(r.sim.g.App, appBefore, 'App untouched');
    assert.equal(r.sim.g.wx.request, requestBefore, 'wx.request untouched');
    assert.equal(r.mg.stats()?.explicitOnly, true);
    r.sim.tap('onTapBad');
    await r.sim.run(3000);
    const types = new Set([...r.collector.events.values()].map((e) => e.type));
    for (const t of ['app_launch', 'page_load', 'api_request', 'js_error'] as const) assert.ok(types.has(t), `${t} captured`);
    const api = r.collector.byType('api_request').map((e) => (e.type === 'api_request' ? `${e.api} ${e.route} ${e.duration}` : ''));
    assert.deepEqual(api.sort(), ['callFunction checkin 0', 'request /api/mood/:id 30']);
    await r.sim.navigateTo('pages/home/index');
    await r.sim.run(3000);
    assert.equal(r.collector.byType('page_view').length, 1);
  } finally {
    await r.close();
  }
});

test('automatic mode replaces App/Page/wx.request and destroy() restores them', async () => {
  const r = await rig({ pages: { 'pages/home/index': (g) => g.Page({}) } });
  const before = { App: r.sim.g.App, Page: r.sim.g.Page, request: r.sim.g.wx.request, call: (r.sim.g.wx.cloud as Dict).callFunction };
  await r.sim.launch();
  assert.notEqual(r.sim.g.Page, before.Page);
  assert.notEqual(r.sim.g.wx.request, before.request);
  assert.equal(r.mg.stats()?.explicitOnly, false);
  await r.close();
  assert.equal(r.sim.g.App, before.App);
  assert.equal(r.sim.g.Page, before.Page);
  assert.equal(r.sim.g.wx.request, before.request);
  assert.equal((r.sim.g.wx.cloud as Dict).callFunction, before.call);
  assert.equal(Object.getOwnPropertyDescriptor(r.sim.g, 'Page')?.writable, true, 'a plain data property again');
});
