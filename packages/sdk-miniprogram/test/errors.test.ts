/**
 * Errors and abnormal exits: wx.onError split into message and frame lines, errors thrown in Page
 * and Component methods (reported once, re-thrown so the app behaves as before), unhandled
 * rejections, onPageNotFound, memory warnings (level on Android only), and sessions that did not
 * end cleanly reported as crashes at the next cold start — as possible OOM after memory warnings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliver, of, rig, type Ev } from './harness.js';
import { MiniProgramSim, SimClock } from './sim/index.js';


test('a method that throws: reported once with frames and breadcrumbs, re-thrown to the runtime, the app goes on', async () => {
  let appOnError = 0;
  let after = 0;
  const r = await rig({
    app: { onError: () => appOnError++ },
    pages: {
      'pages/diary/index': (g) =>
        g.Page({
          onSave() {
            (undefined as unknown as { x: number }).x++;
          },
          onNext() {
            after++;
          },
        }),
    },
  });
  try {
    await r.sim.launch();
    r.sim.tap('onSave', { phone: '13812345678' });
    r.sim.tap('onNext');
    await deliver(r);
    assert.equal(appOnError, 1, "the app's own onError still sees the error");
    assert.equal(r.sim.errors.length, 1, 'the error still reached the runtime');
    assert.equal(after, 1, 'the app keeps working');
    const errs = of(r, 'js_error');
    assert.equal(errs.length, 1, 'reported once, not again through wx.onError');
    const e = errs[0] as Ev<'js_error'>;
    assert.equal(e.kind, 'method');
    assert.match(e.message, /^TypeError: Cannot read properties of undefined/);
    assert.match(e.stack ?? '', /^\s*at .*onSave \(.*errors\.test\.ts:\d+:\d+\)/m);
    assert.ok(!e.stack?.includes('Cannot read'), 'frames only: the message line stays out of the stack');
    assert.equal(e.attrs?.method, 'onSave');
    assert.equal(e.page, 'pages/diary/index');
    assert.deepEqual(e.breadcrumbs?.map((b) => b.c + ' ' + b.m).slice(0, 2), ['nav pages/diary/index', 'ui tap onSave']);
    assert.ok(!JSON.stringify(e).includes('13812345678'), 'tap datasets never recorded');
  } finally {
    await r.close();
  }
});

test('wx.onError, unhandled rejections, page not found, component method errors', async () => {
  const r = await rig({
    pages: {
      'pages/home/index': (g) =>
        g.Page({
          onShow() {
            throw new RangeError('bad index 7');
          },
        }),
    },
  });
  r.sim.component('components/mood/index', (g) =>
    g.Component({
      methods: {
        pick() {
          throw new Error('mood component broke');
        },
      },
    }),
  );
  r.sim.page('pages/mood/index', (g) => g.Page({}), ['components/mood/index']);
  try {
    await r.sim.launch('pages/home/index');
    r.sim.rejectUnhandled(new Error('fetch failed for uid 13912345678'));
    await r.sim.navigateTo('pages/mood/index');
    r.sim.tap('pick', {}, 'components/mood/index');
    await deliver(r);
    const errs = of(r, 'js_error');
    const kinds = errs.map((e) => e.kind + ':' + e.message);
    assert.ok(kinds.includes('method:RangeError: bad index 7'), kinds.join('\n'));
    assert.ok(kinds.includes('unhandledrejection:fetch failed for uid [mobile]'), kinds.join('\n'));
    assert.ok(kinds.includes('method:mood component broke'), kinds.join('\n'));
    assert.equal(errs.length, 3);

    const r2 = await rig({ pages: { 'pages/home/index': (g) => g.Page({}) } });
    try {
      await r2.sim.launch('pages/gone/index?id=13812345678');
      await deliver(r2);
      assert.deepEqual(r2.collector.problems, []);
      const nf = of(r2, 'js_error')[0];
      assert.equal(nf?.kind, 'page_not_found');
      assert.equal(nf?.message, 'page not found: pages/gone/index');
    } finally {
      await r2.close();
    }
  } finally {
    await r.close();
  }
});

test('wx.onError strings (WeChat format): the message, and the frame lines of V8 and JavaScriptCore stacks', async () => {
  const r = await rig({ pages: { 'pages/home/index': (g) => g.Page({}) } });
  const v8Frame = '    at li.onSubmit (https://servicewechat.com/wx0123456789abcdef/12/appservice/pages/checkin/index.js:41:17)';
  const jscFrame = 'onSubmit@https://servicewechat.com/wx0123456789abcdef/12/appservice/pages/checkin/index.js:41:17';
  try {
    await r.sim.launch();
    for (const cb of r.sim.listeners.Error) {
      (cb as (m: string) => void)(`MiniProgramError\nCannot read property 'mood' of null\nTypeError: Cannot read property 'mood' of null\n${v8Frame}\n    at Object.i (https://lib/WAServiceMainContext.js:1:200)`);
      (cb as (m: string) => void)(`thirdScriptError\nundefined is not an object\n${jscFrame}\ni@[native code]`);
      // a message that ends like a position is still the message, not a frame
      (cb as (m: string) => void)('MiniProgramError\n日记保存失败 at 12:30:45');
    }
    await deliver(r);
    const [v8, jsc, text] = of(r, 'js_error');
    assert.equal(v8?.message, "Cannot read property 'mood' of null");
    assert.deepEqual(v8?.stack?.split('\n'), [v8Frame, '    at Object.i (https://lib/WAServiceMainContext.js:1:200)']);
    assert.equal(jsc?.message, 'undefined is not an object');
    assert.equal(jsc?.stack, jscFrame, '[native code] is no frame');
    assert.equal(text?.message, '[text]at 12:30:45');
    assert.equal(text?.stack, undefined);
  } finally {
    await r.close();
  }
});

test('memory warnings: level on Android only', async () => {
  for (const platform of ['android', 'ios'] as const) {
    const r = await rig({ sim: { platform }, pages: { 'pages/home/index': (g) => g.Page({}) } });
    try {
      await r.sim.launch();
      r.sim.memoryWarning(15);
      await deliver(r);
      const [w] = of(r, 'memory_warning');
      assert.ok(w);
      assert.equal(w.level, platform === 'android' ? 15 : undefined);
    } finally {
      await r.close();
    }
  }
});

test('abnormal exit: a session killed in the foreground is a crash at the next cold start, with last page and breadcrumbs; OOM suspected after a memory warning; a clean exit is not', async () => {
  const pages = { 'pages/home/index': (g: Parameters<Parameters<MiniProgramSim['page']>[1]>[0]) => g.Page({}), 'pages/diary/index': (g: Parameters<Parameters<MiniProgramSim['page']>[1]>[0]) => g.Page({}) };
  // 1: killed in the foreground
  const a = await rig({ pages });
  await a.sim.launch('pages/home/index');
  await a.sim.navigateTo('pages/diary/index');
  await a.sim.run(10_000);
  const crashedSid = (JSON.parse(String(a.sim.storage.get('mgops_s'))) as { sid: string }).sid;
  const killedAt = a.sim.clock.now();
  a.sim.kill();
  // 2: next cold start, same storage
  const b = await rig({ pages, collector: a.collector, backend: a.backend, sim: { storage: a.sim.storage, clock: new SimClock(killedAt + 60_000) } });
  await b.sim.launch('pages/home/index');
  b.sim.memoryWarning(10);
  await deliver(b);
  const [crash] = of(b, 'crash');
  assert.ok(crash, 'crash reported');
  assert.equal(crash.reason, 'abnormal_exit');
  assert.equal(crash.lastPage, 'pages/diary/index');
  assert.equal(crash.crashedSid, crashedSid);
  assert.equal(crash.sid, crashedSid, 'counted against the session that crashed');
  assert.ok((crash.lastActive ?? 0) <= killedAt && (crash.lastActive ?? 0) >= killedAt - 10_500);
  assert.deepEqual(crash.breadcrumbs?.map((c) => c.m).filter((m) => m.startsWith('pages/')), ['pages/home/index', 'pages/diary/index']);
  const t = b.sim.clock.now();
  b.sim.kill();
  // 3: killed after a memory warning → OOM suspected
  const c = await rig({ pages, collector: a.collector, backend: a.backend, sim: { storage: a.sim.storage, clock: new SimClock(t + 60_000) } });
  await c.sim.launch('pages/home/index');
  await c.sim.background(); // a clean end: the app went to the background and was ended there
  const t2 = c.sim.clock.now();
  c.sim.kill();
  const d = await rig({ pages, collector: a.collector, backend: a.backend, sim: { storage: a.sim.storage, clock: new SimClock(t2 + 600_000) } });
  await d.sim.launch('pages/home/index');
  await deliver(d);
  const crashes = of(d, 'crash');
  assert.deepEqual(crashes.map((x) => x.reason).sort(), ['abnormal_exit', 'oom_suspected'], 'the clean exit added none');
  await d.close();
  await a.collector.close();
  await a.backend.close();
});

test('a base library without wx.onUnhandledRejection (< 2.10.0): App onUnhandledRejection reports the rejection, once', async () => {
  const r = await rig({ sim: { baseLib: '2.9.4' }, app: { onUnhandledRejection() {} }, pages: { 'pages/home/index': (g) => g.Page({}) } });
  try {
    await r.sim.launch('pages/home/index');
    r.sim.rejectUnhandled(new Error('sync failed for 13912345678'));
    await deliver(r);
    const errs = of(r, 'js_error');
    assert.deepEqual(
      errs.map((e) => e.kind + ':' + e.message),
      ['unhandledrejection:sync failed for [mobile]'],
    );
  } finally {
    await r.close();
  }
});
