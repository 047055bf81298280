/**
 * Private by construction: an app that puts phone numbers, ID numbers and diary text into page
 * data, query strings, request bodies, tap datasets, input values and error messages — none of it
 * leaves the SDK. And consent: nothing sent before consent, wx.getPrivacySetting respected, the
 * per-user opt-out honoured and persisted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rig } from './harness.js';
import { SimClock } from './sim/index.js';

type Dict = Record<string, unknown>;

const PHONE = '13812345678';
const ID = '110101199003074514';
const DIARY = '今天又失眠了，觉得活着没有意义';
const EN_DIARY = 'I could not sleep again and I feel like nothing matters anymore';
const SECRETS = [PHONE, '138 1234 5678', ID, DIARY.slice(0, 4), '失眠', 'zhang.san@example.com', 'nothing matters'];

test('nothing a user typed or read leaves the SDK', async () => {
  const r = await rig({
    sim: { latency: 20, cloud: { saveDiary: () => ({ code: 0 }) } },
    pages: {
      'pages/home/index': (g) => g.Page({}),
      'pages/diary/index': (g) =>
        g.Page({
          data: { diary: DIARY, phone: PHONE, idCard: ID },
          onLoad(q: Dict) {
            (this as unknown as { setData(d: Dict): void }).setData({ draft: `${String(q.text)} ${PHONE}` });
          },
          onInput(e: { detail: { value: string } }) {
            (this as unknown as { setData(d: Dict): void }).setData({ diary: e.detail.value });
          },
          onSave(e: { currentTarget: { dataset: Dict } }) {
            const api = (g.getApp() as { globalData: { api: string } }).globalData.api;
            (g.wx.request as (o: Dict) => unknown)({
              url: `${api}/api/checkin?phone=${PHONE}&text=${encodeURIComponent(DIARY)}#${ID}`,
              method: 'POST',
              data: { diary: DIARY, phone: PHONE, idCard: ID, email: 'zhang.san@example.com', from: e.currentTarget.dataset },
            });
            (g.wx.cloud as { callFunction(o: Dict): Promise<unknown> }).callFunction({ name: 'saveDiary', data: { diary: DIARY, phone: PHONE } });
            throw new Error(`保存失败: ${DIARY} (phone ${PHONE}, id ${ID}, "${EN_DIARY}")`);
          },
        }),
    },
  });
  try {
    await r.sim.launch('pages/home/index');
    await r.sim.navigateTo(`pages/diary/index?text=${encodeURIComponent(DIARY)}&phone=${PHONE}`);
    r.sim.input('onInput', `${DIARY} ${PHONE} zhang.san@example.com`);
    r.sim.tap('onSave', { phone: PHONE, diary: DIARY, idCard: ID });
    r.sim.rejectUnhandled(`upload failed for ${PHONE}: ${DIARY}`);
    r.mg.breadcrumb('diary', `saved ${DIARY} for ${PHONE}`);
    r.mg.captureError(new Error(`manual ${ID} ${DIARY}`));
    r.mg.checkin.failure(`network ${PHONE}`);
    r.mg.track('diary', { words: 12 });
    await r.sim.background();
    await r.sim.run(3000);
    const wire = JSON.stringify(r.collector.batches.map((b) => b.envelope));
    assert.ok(r.collector.byType('js_error').length >= 3, 'the errors were reported');
    assert.ok(r.collector.byType('api_request').length >= 2, 'the calls were reported');
    for (const s of SECRETS) assert.ok(!wire.includes(s), `leaked: ${s}`);
    assert.ok(!wire.includes(encodeURIComponent(DIARY)), 'leaked the URL-encoded diary');
    const stored = JSON.stringify([...r.sim.storage.data.entries()].filter(([k]) => k.startsWith('mgops_')));
    for (const s of SECRETS) assert.ok(!stored.includes(s), `stored by the SDK: ${s}`);
    const err = r.collector.byType('js_error').find((e) => e.type === 'js_error' && e.kind === 'method');
    assert.equal(err?.type === 'js_error' && err.message, '[text]: [text](phone [mobile], id [id], "[text]")');
  } finally {
    await r.close();
  }
});

test('requireConsent: nothing sent, nor stored, before consent; sent after it', async () => {
  const r = await rig({ sdk: { requireConsent: true }, pages: { 'pages/home/index': (g) => g.Page({}) } });
  try {
    await r.sim.launch();
    r.mg.track('before_consent');
    await r.sim.run(120_000);
    assert.equal(r.collector.requests, 0);
    assert.equal(r.sim.storage.get('mgops_q'), '', 'not even queued in storage');
    r.mg.setConsent(true);
    await r.sim.run(3000);
    assert.ok(r.collector.byType('feature_use').length === 1 && r.collector.byType('app_launch').length === 1);
  } finally {
    await r.close();
  }
});

test('wx.getPrivacySetting: held while the user has not agreed to the privacy policy', async () => {
  const r = await rig({ sim: { privacyNeedsAuth: true }, pages: { 'pages/home/index': (g) => g.Page({}) } });
  try {
    await r.sim.launch();
    r.mg.track('x');
    await r.sim.run(60_000);
    assert.equal(r.collector.requests, 0);
    r.sim.privacyNeedsAuth = false; // the user agreed in WeChat's privacy pop-up
    await r.sim.background();
    await r.sim.foreground();
    await r.sim.run(3000);
    assert.equal(r.collector.byType('feature_use').length, 1);
  } finally {
    await r.close();
  }
});

test('per-user opt-out: honoured at once, and persisted across restarts', async () => {
  const a = await rig({ pages: { 'pages/home/index': (g) => g.Page({}) } });
  await a.sim.launch();
  await a.sim.run(3000);
  const n = a.collector.events.size;
  a.mg.optOut();
  a.mg.track('after_opt_out');
  await a.sim.run(60_000);
  assert.equal(a.collector.events.size, n);
  const t = a.sim.clock.now();
  a.sim.kill();
  const b = await rig({ collector: a.collector, backend: a.backend, sim: { storage: a.sim.storage, clock: new SimClock(t + 1000) }, pages: { 'pages/home/index': (g) => g.Page({}) } });
  await b.sim.launch();
  b.mg.track('next_launch');
  await b.sim.run(60_000);
  assert.equal(b.mg.isOptedOut(), true);
  assert.equal(b.collector.events.size, n, 'nothing after the restart either');
  b.mg.optIn();
  b.mg.track('opted_in');
  await b.sim.run(3000);
  assert.equal(b.collector.byType('feature_use').length, 1);
  await b.close();
  await a.collector.close();
  await a.backend.close();
});
