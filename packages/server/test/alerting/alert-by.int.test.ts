/**
 * Alerts per dimension (config `alertBy`) through the whole chain on a manual clock: events POSTed
 * to the collector, the runner turned by hand, pages reaching the signed DingTalk / SMTP stand-ins.
 * The thresholds, levels and `alertBy` lists are the shipped config/mindguard.yaml's.
 *
 *   api_response_time (5m, min 50, crit 1000 ms → P1, alertBy [route])
 *   crash_rate        (1h, min 200 sessions, warn 0.1 % → P2, crit 0.5 % → P1, alertBy [release, model])
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Ev } from '../helpers.js';
import { HOUR, MIN, S, alerts, expectedPeople, mark, mobileOf, noRejections, postAt, startChain, timeline, turn, type Batch, type Parts } from './harness.js';

const CHECKIN = '/api/checkin/:id';
const FAST_ROUTES = Array.from({ length: 20 }, (_, i) => `/api/fast/${i}`);
const rep = (n: number, f: (i: number) => Ev): Ev[] => Array.from({ length: n }, (_, i) => f(i));
const calls = (route: string, n: number, ms: number): Ev[] => rep(n, () => ({ type: 'api_request', side: 'server', route, status: 200, duration: ms, ok: true }));
/** 20 fast routes, 150 calls of 100 ms each: 3,000 calls the overall p95 is made of */
const fastTraffic = (): Ev[] => FAST_ROUTES.flatMap((r) => calls(r, 150, 100));
const node = (events: Ev[]): Batch[] => [{ events, sdk: 'node' }];

const WINDOW = 5 * MIN;
/** phases a window and a minute apart: each evaluation sees one phase's batch */
const STEP = WINDOW + MIN;
/** past the P1 group wait (5 s): the pages of a turn are in the outbox and due */
const DISPATCH = 6 * S;

async function turnAndDispatch(p: Parts): Promise<void> {
  await turn(p);
  p.clock.advance(DISPATCH);
  await turn(p);
}

/** A fresh platform and stand-ins for the describe block; its parts once `before` has run. */
function freshChain(): Parts {
  let chain: (Parts & { close(): Promise<void> }) | undefined;
  before(async () => {
    chain = await startChain();
  });
  after(async () => chain?.close());
  const live = (): Parts => {
    if (!chain) throw new Error('the chain starts in before()');
    return chain;
  };
  return new Proxy({} as Parts, { get: (_, k) => live()[k as keyof Parts] });
}

const ruleKeys = async (p: Parts, status?: string) => (await alerts(p)).filter((a) => !status || a.status === status).map((a) => a.ruleKey).sort();

describe('api_response_time per route', () => {
  const p = freshChain();

  test('one slow route among twenty fast ones → one P1 for that route, named in the DingTalk message; the overall metric and a route below min samples page nobody', async () => {
    const got = mark(p);
    // /api/checkin/:id: 50 calls of 1.5 s (min 50) → crit; /api/export: 49 calls of 3 s → below min samples
    await postAt(p, node([...fastTraffic(), ...calls(CHECKIN, 50, 1500), ...calls('/api/export', 49, 3000)]));
    await turnAndDispatch(p);
    const r = got();
    noRejections(p);
    assert.deepEqual(await ruleKeys(p), [`api_response_time{route=${CHECKIN}}`], 'one alert: the slow route (neither the overall p95 nor /api/export)');
    const [alert] = await alerts(p);
    assert.equal(alert!.level, 'P1');
    assert.deepEqual(alert!.labels, { route: CHECKIN });
    assert.equal(r.ding.length, 1, `one DingTalk message (got ${r.ding.map((m) => m.title).join(' | ')})`);
    const ding = r.ding[0]!;
    assert.ok(ding.title.startsWith(`[P1 告警] API响应时间 · route=${CHECKIN}`), ding.title);
    assert.match(ding.text, /范围\*\*：route=\/api\/checkin\/:id/);
    const people = expectedPeople(p, 'P1', 'backend_developer', p.clock.now());
    assert.deepEqual([...ding.rang].sort(), people.map(mobileOf).sort(), 'rings the P1 people of the backend');
    assert.equal(r.mails.length, 1, 'one e-mail');
    assert.ok(r.mails[0]!.subject.includes(`route=${CHECKIN}`), r.mails[0]!.subject);
    assert.ok(!r.ding.some((m) => m.text.includes('/api/export')), 'the route below min samples is in no message');
  });

  test('the route goes quiet → no data, not recovered; back to normal for a full window → resolved once', async () => {
    p.clock.advance(STEP);
    let got = mark(p);
    await postAt(p, node(fastTraffic()));
    await turnAndDispatch(p);
    assert.deepEqual(await ruleKeys(p, 'firing'), [`api_response_time{route=${CHECKIN}}`], 'still open while the route sends nothing');
    assert.equal(got().ding.length, 0, 'no data is not "recovered": nothing sent');
    const [alert] = await alerts(p);
    assert.ok((await timeline(p, alert!.id)).some((e) => e.kind === 'no_data'), 'the timeline records the gap');

    p.clock.advance(STEP);
    await postAt(p, node([...fastTraffic(), ...calls(CHECKIN, 60, 120)]));
    await turnAndDispatch(p);
    assert.deepEqual(await ruleKeys(p, 'firing'), [`api_response_time{route=${CHECKIN}}`], 'normal, but not yet for a full window');

    got = mark(p);
    p.clock.advance(WINDOW);
    await postAt(p, node([...fastTraffic(), ...calls(CHECKIN, 60, 120)]));
    await turnAndDispatch(p);
    p.clock.advance(STEP);
    await postAt(p, node([...fastTraffic(), ...calls(CHECKIN, 60, 120)]));
    await turnAndDispatch(p);
    assert.deepEqual(await ruleKeys(p, 'firing'), []);
    const resolved = got().ding.filter((m) => m.title.startsWith(`[P1 已恢复] API响应时间 · route=${CHECKIN}`));
    assert.equal(resolved.length, 1, 'one resolved notice for the route');
    assert.equal((await alerts(p)).length, 1, 'no other alert was ever opened');
    noRejections(p);
  });
});

describe('a silence on route=/api/checkin/:id', () => {
  const p = freshChain();

  test('silences that route only: another slow route still pages', async () => {
    const res = await p.tp.platform.app.inject({
      method: 'POST',
      url: '/api/silences',
      payload: { matcher: { metric: 'api_response_time', labels: { route: CHECKIN } }, endsAt: p.clock.now() + HOUR, by: 'ops-lead', comment: 'check-in deploy' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const got = mark(p);
    await postAt(p, node([...fastTraffic(), ...calls(CHECKIN, 50, 1500), ...calls('/api/report', 50, 1500)]));
    await turnAndDispatch(p);
    assert.deepEqual(await ruleKeys(p), [`api_response_time{route=${CHECKIN}}`, 'api_response_time{route=/api/report}'], 'both routes have an alert');
    const r = got();
    assert.deepEqual(r.ding.map((m) => m.title.split(' 高于')[0]), ['[P1 告警] API响应时间 · route=/api/report'], 'only the unsilenced route is paged');
    const silenced = (await alerts(p)).find((a) => a.labels.route === CHECKIN)!;
    assert.ok((await timeline(p, silenced.id)).some((e) => e.kind === 'suppressed' && e.detail.stage === 'silence'), 'the silenced route records why');
    noRejections(p);
  });
});

describe('crash_rate per release and per model', () => {
  const p = freshChain();

  const sessions = (n: number, crashes: number, release: string, model: string): Batch => ({
    sdk: 'mp',
    release,
    ctx: { model, os: 'Android', osVersion: '14' },
    events: [...rep(n, () => ({ type: 'app_launch', duration: 900, cold: true })), ...rep(crashes, () => ({ type: 'crash', reason: 'abnormal_exit', lastPage: 'pages/checkin/index' }))],
  });

  test('release 2.4.0 crashing on one model → crash_rate alerts for release=2.4.0 and that model, in one message; the overall rate stays normal', async () => {
    const got = mark(p);
    // overall 4 / 5,600 = 0.07 % (< 0.1 %); release 2.4.0: 4 / 600 = 0.67 % (> 0.5 %); HUAWEI Mate 60: 4 / 300 = 1.3 %
    await postAt(p, [sessions(5000, 0, '2.3.1', 'iPhone 14'), sessions(300, 4, '2.4.0', 'HUAWEI Mate 60'), sessions(300, 0, '2.4.0', 'Xiaomi 14')]);
    await turnAndDispatch(p);
    noRejections(p);
    assert.deepEqual(await ruleKeys(p), ['crash_rate{model=HUAWEI Mate 60}', 'crash_rate{release=2.4.0}']);
    for (const a of await alerts(p)) assert.equal(a.level, 'P1', `${a.ruleKey} is critical`);
    const r = got();
    assert.equal(r.ding.length, 1, `the two groups fire together: one DingTalk message (got ${r.ding.map((m) => m.title).join(' | ')})`);
    assert.match(r.ding[0]!.text, /崩溃率 · release=2\.4\.0/);
    assert.match(r.ding[0]!.text, /崩溃率 · model=HUAWEI Mate 60/);
    assert.equal(r.mails.length, 1, 'one e-mail');
  });
});

describe('the overall metric and its routes', () => {
  const p = freshChain();

  test('the whole API slow: the overall alert and every route alert fire together → one DingTalk message, one e-mail', async () => {
    const got = mark(p);
    await postAt(p, node(FAST_ROUTES.flatMap((r) => calls(r, 60, 1500))));
    await turnAndDispatch(p);
    noRejections(p);
    const keys = await ruleKeys(p);
    assert.equal(keys.length, 21, keys.join(', '));
    assert.ok(keys.includes('api_response_time'), 'the overall metric fires');
    const r = got();
    assert.equal(r.ding.length, 1, `one DingTalk message (got ${r.ding.map((m) => m.title).join(' | ')})`);
    assert.equal(r.mails.length, 1, 'one e-mail');
    assert.match(r.ding[0]!.title, /合并通知/);
  });

  test('a route turning slow while the overall alert is open is not paged again (inhibited, recorded)', async () => {
    p.clock.advance(MIN);
    const got = mark(p);
    await postAt(p, node(calls('/api/late', 60, 2000)));
    await turnAndDispatch(p);
    const late = (await alerts(p)).find((a) => a.labels.route === '/api/late');
    assert.ok(late, 'the route has its alert');
    assert.equal(late.status, 'firing');
    assert.deepEqual(got().ding, [], 'no second page within the minute');
    const why = (await timeline(p, late.id)).find((e) => e.kind === 'suppressed');
    assert.equal(why?.detail.stage, 'inhibit');
    noRejections(p);
  });
});
