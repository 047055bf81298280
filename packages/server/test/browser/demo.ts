/**
 * A day of demo traffic for MindGuard, posted through the ingest API like the SDKs do: page
 * loads and launches, API calls, cloud functions, database queries, check-ins, tasks, errors
 * with breadcrumbs, a few failing cloud functions, a check-in funnel, and answered SOS — all within
 * normal ranges.
 */
import { envelope, post, uid, type Ev } from '../helpers.js';

const PAGES = ['pages/index/index', 'pages/checkin/checkin', 'pages/journal/journal', 'pages/sos/sos', 'pages/profile/profile'];
const MODELS = ['iPhone 14', 'iPhone 15 Pro', 'HUAWEI Mate 60', 'Xiaomi 14', 'OPPO Reno11'];
const RELEASES = ['2.3.0', '2.3.1'];

/** deterministic pseudo-random numbers, so screenshots are stable */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function seedDay(url: string, key: string, now: number, o: { hours?: number; slotMinutes?: number } = {}): Promise<number> {
  const r = rng(42);
  const hours = o.hours ?? 24;
  const slot = (o.slotMinutes ?? 10) * 60_000;
  let total = 0;
  for (let t0 = now - hours * 3_600_000; t0 < now - 60_000; t0 += slot) {
    for (let d = 0; d < MODELS.length; d++) {
      const at = () => Math.floor(t0 + r() * slot);
      const events: Ev[] = [];
      for (let i = 0; i < 8; i++) events.push({ type: 'page_load', ts: at(), page: PAGES[i % PAGES.length]!, duration: 500 + Math.floor(r() * 700) });
      for (let i = 0; i < 8; i++) events.push({ type: 'page_view', ts: at(), page: PAGES[i % PAGES.length]! });
      events.push({ type: 'app_launch', ts: at(), duration: 1200 + Math.floor(r() * 1200), cold: true });
      for (let i = 0; i < 12; i++) events.push({ type: 'api_request', ts: at(), side: 'server', route: ['/checkin', '/journal', '/sos', '/tasks'][i % 4]!, duration: 80 + Math.floor(r() * 250), ok: r() > 0.001, status: 200 });
      for (let i = 0; i < 4; i++) events.push({ type: 'api_request', ts: at(), side: 'client', route: '/checkin', duration: 120 + Math.floor(r() * 200), ok: true, status: 200 });
      for (let i = 0; i < 4; i++) events.push({ type: 'function_invocation', ts: at(), fn: ['checkin', 'riskScore'][i % 2]!, duration: 60 + Math.floor(r() * 150), ok: true });
      // now and then (never in the last hour, so no alert fires) a cloud function fails: the Server page's error groups
      const slotNo = Math.round((now - t0) / slot);
      if (d === 0 && now - t0 > 3_600_000 && slotNo % 4 === 1) {
        const timeout = slotNo % 8 === 1;
        events.push({
          type: 'function_invocation', ts: t0 + slot / 2, fn: timeout ? 'riskScore' : 'checkin', duration: timeout ? 3000 : 40, ok: false,
          error: timeout
            ? { type: 'Error', message: 'Dify workflow timed out after 3000ms', code: 'ETIMEDOUT', stack: 'Error: Dify workflow timed out after 3000ms\n    at callDify (/var/user/dify.js:31:11)\n    at main (/var/user/index.js:18:20)' }
            : { type: 'TypeError', message: "Cannot read properties of undefined (reading 'openid')", stack: "TypeError: Cannot read properties of undefined (reading 'openid')\n    at main (/var/user/index.js:9:27)" },
        });
      }
      for (let i = 0; i < 4; i++) events.push({ type: 'db_query', ts: at(), collection: ['checkins', 'users'][i % 2]!, op: 'find', duration: 5 + Math.floor(r() * 50), ok: true });
      for (let i = 0; i < 2; i++) {
        const t = at(); // a success follows its attempt
        events.push({ type: 'checkin', ts: t, outcome: 'attempt' }, { type: 'checkin', ts: t + 800, outcome: 'success' });
      }
      // a check-in pass as the mini-program SDK sends it (funnel and step, no index), in one session;
      // a few stop after choosing a mood, a few after submitting (the platform derives the runs)
      const sid = `demo-${t0}-${d}`;
      const [open, mood] = [at(), at()].sort((x, y) => x - y) as [number, number];
      events.push({ type: 'funnel_step', ts: open, sid, funnel: 'checkin', step: 'open' }, { type: 'funnel_step', ts: mood + 1, sid, funnel: 'checkin', step: 'choose_mood' });
      if (r() > 0.2) {
        const submit = Math.max(mood, at()) + 2;
        events.push({ type: 'funnel_step', ts: submit, sid, funnel: 'checkin', step: 'submit' });
        if ((Math.round((now - t0) / slot) + d) % 5 !== 0) events.push({ type: 'funnel_step', ts: submit + 1500, sid, funnel: 'checkin', step: 'success' });
      }
      if (r() > 0.9) {
        events.push({
          type: 'js_error', ts: at(), kind: 'error', message: r() > 0.5 ? "TypeError: Cannot read properties of undefined (reading 'mood')" : 'Error: request:fail timeout',
          stack: 'at onSubmit (pages/checkin/checkin.js:42:13)\nat Page.tap (WAService.js:1:2034)', fingerprint: r() > 0.5 ? 'fp-mood-undefined' : 'fp-request-timeout',
          breadcrumbs: [{ t: t0, c: 'nav', m: 'pages/index/index → pages/checkin/checkin' }, { t: t0 + 500, c: 'tap', m: 'submit' }, { t: t0 + 700, c: 'api', m: 'POST /checkin 200' }],
        });
      }
      const res = await post(url, key, envelope(events, { sdk: 'mgops-miniprogram', release: RELEASES[d % 2], ctx: { model: MODELS[d], os: d < 2 ? 'iOS' : 'Android', osVersion: '17' } }));
      if (res.status >= 300) throw new Error(`seed: ${res.status} ${JSON.stringify(res.json)}`);
      total += events.length;
    }
    if (Math.floor((t0 / slot) % 12) === 0) {
      const sos = uid('sos');
      const res = await post(url, key, envelope([
        { type: 'sos', ts: t0, sosId: sos, action: 'triggered' },
        { type: 'sos', ts: t0 + 8_000 + Math.floor(r() * 12_000), sosId: sos, action: 'answered', by: 'crisis_line' },
      ]));
      if (res.status >= 300) throw new Error(`seed sos: ${res.status}`);
      total += 2;
    }
  }
  return total;
}
