/**
 * SDK faults never reach the app: broken platform APIs under the SDK (storage that throws,
 * a performance API that throws, listeners that cannot be registered) leave the app working and
 * the SDK still delivering what it can; every fault is counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, of, rig } from './harness.js';

type Dict = Record<string, unknown>;

test('broken storage, performance API and listeners: the app runs, events still arrive, faults counted', async () => {
  let loaded = 0;
  const r = await rig({
    pages: {
      'pages/home/index': (g) =>
        g.Page({
          onLoad() {
            loaded++;
          },
          onTap() {
            (g.wx.request as (o: Dict) => unknown)({ url: (g.getApp() as { globalData: { api: string } }).globalData.api + '/api/mood' });
          },
        }),
    },
  });
  const wx = r.sim.wx;
  const boom = (): never => {
    throw new Error('platform API broken');
  };
  wx.getStorageSync = boom;
  wx.setStorageSync = boom;
  wx.getPerformance = boom;
  wx.onMemoryWarning = boom;
  wx.getNetworkType = boom;
  try {
    await r.sim.launch();
    r.sim.tap('onTap');
    await r.sim.run(3000);
    assert.equal(loaded, 1, 'the app ran');
    assert.deepEqual(r.sim.errors, [], 'nothing reached the app');
    const types = new Set([...r.collector.events.values()].map((e) => e.type));
    assert.ok(types.has('app_launch') && types.has('page_load') && types.has('api_request'), [...types].join());
    const st = r.mg.stats();
    assert.ok((st?.internalErrors ?? 0) + (st?.persistErrors ?? 0) > 0, 'faults counted');
  } finally {
    await r.close();
  }
});

test('the manual API never throws into the app, whatever it is given', async () => {
  const r = await rig({ pages: { 'pages/home/index': (g) => g.Page({}) } });
  const hostile = { toString: (): string => { throw new Error('no text here'); } } as unknown as string;
  try {
    await r.sim.launch();
    const before = r.mg.stats()?.internalErrors ?? 0;
    assert.doesNotThrow(() => {
      r.mg.funnel(hostile, 'open');
      r.mg.funnel('checkin', hostile);
      r.mg.breadcrumb(hostile, 'x');
      r.mg.breadcrumb('custom', hostile);
      r.mg.track(hostile, { n: 1 });
      r.mg.captureError(hostile);
      r.mg.checkin.failure(hostile);
      r.mg.sos(hostile);
      r.mg.setUser(hostile);
    });
    assert.ok((r.mg.stats()?.internalErrors ?? 0) > before, 'the faults are counted');
    r.mg.funnel('checkin', 'open');
    await deliver(r);
    assert.equal(of(r, 'funnel_step').length, 1, 'and the SDK goes on working');
  } finally {
    await r.close();
  }
});
