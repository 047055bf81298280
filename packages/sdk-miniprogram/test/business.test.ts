/**
 * The manual API and experience metrics: track() with declared props only, check-in helpers, SOS
 * sent at once, funnel steps, pseudonymous setUser, breadcrumbs, slow
 * setData with data path names only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, of, rig } from './harness.js';

type Dict = Record<string, unknown>;

const FEATURES = { mood_pick: { mood: ['good', 'ok', 'bad'], score: 'number' }, breathing: { rounds: 'number', guided: 'boolean' } } as const;

test('track: numbers, booleans and declared enum values only; free text refused at runtime', async () => {
  const r = await rig({ sdk: { features: FEATURES }, pages: { 'pages/home/index': (g) => g.Page({}) } });
  try {
    await r.sim.launch();
    const mg = r.mg.init({ endpoint: '', key: '', features: FEATURES });
    mg.track('mood_pick', { mood: 'bad', score: 3 });
    mg.track('breathing', { rounds: 4, guided: true });
    // @ts-expect-error free text is not a declared value
    mg.track('mood_pick', { mood: '我今天很难过，想哭' });
    // @ts-expect-error undeclared features take numbers and booleans only
    mg.track('diary_save', { text: 'dear diary' });
    mg.track('diary_save', { words: 120 });
    await deliver(r);
    const uses = of(r, 'feature_use').map((e) => [e.feature, e.attrs ?? {}]);
    assert.deepEqual(uses, [
      ['mood_pick', { mood: 'bad', score: 3 }],
      ['breathing', { rounds: 4, guided: true }],
      ['mood_pick', {}],
      ['diary_save', {}],
      ['diary_save', { words: 120 }],
    ]);
    assert.ok(!JSON.stringify([...r.collector.events.values()]).includes('dear diary'));
  } finally {
    await r.close();
  }
});

test('check-in helpers and funnel steps: each step in order, in its session, on its page (the collector follows the runs)', async () => {
  const r = await rig({ pages: { 'pages/home/index': (g) => g.Page({}), 'pages/checkin/index': (g) => g.Page({ onLoad: () => r.mg.funnel('checkin', 'open') }) } });
  try {
    await r.sim.launch();
    // run 1: completes
    await r.sim.navigateTo('pages/checkin/index');
    r.mg.funnel('checkin', 'choose_mood');
    r.mg.checkin.attempt();
    r.mg.funnel('checkin', 'submit');
    r.mg.checkin.success();
    r.mg.funnel('checkin', 'success');
    await r.sim.navigateBack();
    // run 2: leaves after choosing a mood; run 3 starts
    await r.sim.navigateTo('pages/checkin/index');
    r.mg.funnel('checkin', 'choose_mood');
    await r.sim.navigateBack();
    await r.sim.navigateTo('pages/checkin/index');
    r.mg.checkin.failure('network');
    await deliver(r);
    const steps = of(r, 'funnel_step').sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id));
    assert.deepEqual(steps.map((s) => s.step), ['open', 'choose_mood', 'submit', 'success', 'open', 'choose_mood', 'open']);
    assert.ok(steps.every((s) => s.funnel === 'checkin' && s.page === 'pages/checkin/index' && s.sid === steps[0]?.sid && s.sid), 'one session, the page each step was taken on');
    assert.ok(steps.every((s) => s.index === undefined && s.attrs === undefined), 'the SDK sends steps only: indexes, runs and exits are the collector\'s');
    assert.deepEqual(of(r, 'checkin').map((c) => c.outcome + (c.reason ? ':' + c.reason : '')).sort(), ['attempt', 'failure:network', 'success']);
  } finally {
    await r.close();
  }
});

test('SOS pressed is sent at once (no batching delay), with the server-issued id', async () => {
  const r = await rig({ sdk: { flushIntervalMs: 60_000 }, pages: { 'pages/home/index': (g) => g.Page({}) } });
  try {
    await r.sim.launch();
    await r.sim.run(10);
    r.mg.sos('sos_01HZX3K9Q7');
    r.mg.sos('bad id with spaces');
    await r.sim.run(50);
    const [s] = of(r, 'sos');
    assert.equal(s?.sosId, 'sos_01HZX3K9Q7');
    assert.equal(s?.action, 'triggered');
    assert.equal(of(r, 'sos').length, 1);
    assert.equal(r.mg.stats()?.dropped.invalid, 1);
  } finally {
    await r.close();
  }
});

test('setUser takes pseudonymous ids only', async () => {
  const r = await rig({ pages: { 'pages/home/index': (g) => g.Page({}) } });
  try {
    await r.sim.launch();
    assert.equal(r.mg.setUser('13812345678'), false, 'a phone number');
    assert.equal(r.mg.setUser('oABCDEFGHIJKLMNOPQRSTUVWXYZa'), false, 'an openid');
    assert.equal(r.mg.setUser('zhang@example.com'), false);
    assert.equal(r.mg.setUser('12345678'), false, 'digits only');
    assert.equal(r.mg.setUser('u_7f3a9c2e'), true);
    r.mg.track('x');
    await deliver(r);
    assert.equal(of(r, 'feature_use')[0]?.uid, 'u_7f3a9c2e');
  } finally {
    await r.close();
  }
});

test('slow setData: duration and data path names only, never values', async () => {
  for (const baseLib of ['3.4.10', '2.11.0']) {
    const r = await rig({
      sim: { baseLib, setDataMs: (keys) => (keys.includes('entries') ? 180 : 5) },
      pages: {
        'pages/diary/index': (g) =>
          g.Page({
            data: { entries: [] as Dict[] },
            onSave() {
              (this as unknown as { setData(d: Dict): void }).setData({ entries: [{ text: '今天很难过 13812345678' }], 'draft.text': 'secret' });
            },
            onType() {
              (this as unknown as { setData(d: Dict): void }).setData({ count: 3 });
            },
          }),
      },
    });
    try {
      await r.sim.launch();
      r.sim.tap('onSave');
      r.sim.tap('onType');
      await r.sim.run(300);
      await deliver(r);
      const slow = of(r, 'slow_set_data');
      assert.equal(slow.length, 1, baseLib);
      assert.equal(slow[0]?.duration, 180);
      assert.deepEqual(slow[0]?.paths, ['entries', 'draft.text']);
      assert.equal(r.sim.currentPage().data.count, 3, 'setData still works');
      assert.ok(!JSON.stringify([...r.collector.events.values()]).includes('secret'));
    } finally {
      await r.close();
    }
  }
});

test('breadcrumbs: navigation, API routes, taps by handler name; manual crumbs masked, then cut', async () => {
  const r = await rig({
    pages: {
      'pages/home/index': (g) =>
        g.Page({
          onGo() {
            (g.wx.request as (o: Dict) => unknown)({ url: (g.getApp() as { globalData: { api: string } }).globalData.api + '/api/mood/77?token=abc' });
          },
          onFail() {
            throw new Error('after crumbs');
          },
        }),
    },
  });
  try {
    await r.sim.launch();
    r.sim.tap('onGo', { diary: 'secret words' });
    await r.sim.run(50);
    r.mg.breadcrumb('custom', 'called 13812345678');
    // a long crumb is masked before it is cut: no tail of a phone number survives the cut
    r.mg.breadcrumb('custom', 'x'.repeat(194) + ' 13812345678');
    r.sim.tap('onFail');
    await deliver(r);
    const crumbs = of(r, 'js_error')[0]?.breadcrumbs?.map((b) => `${b.c}|${b.m}`) ?? [];
    assert.deepEqual(crumbs, ['nav|pages/home/index', 'ui|tap onGo', 'api|GET /api/mood/:id 200', 'custom|called [mobile]', `custom|${'x'.repeat(194)} [mobi`, 'ui|tap onFail']);
  } finally {
    await r.close();
  }
});
