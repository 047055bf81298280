/**
 * Realistic MindGuard batches for benchmarks and load tests: a deterministic mix of client and
 * server events (page loads, API calls, function invocations, DB queries, errors, check-ins...).
 * Ids contain the placeholder `@@` and times are written relative to TS_MARK, so a sender makes
 * every request unique and current cheaply with `fillTemplate`.
 */
import { seeded, pick as pickFrom } from '../src/demo/random.js';

export const TS_MARK = 1_700_000_000_000;
const TS_RE = /17000000(\d{5})/g;

/** A unique, current batch from a template: ids get `unique`, times are shifted to `now`. */
export function fillTemplate(template: string, unique: string, now: number): string {
  return template.replaceAll('@@', unique).replace(TS_RE, (_m, d: string) => String(now - 1000 + Number(d)));
}
const PAGES = ['pages/index/index', 'pages/checkin/mood', 'pages/checkin/submit', 'pages/tasks/list', 'pages/sos/index', 'pages/diary/edit', 'pages/profile/index'];
const ROUTES = ['/api/checkin', '/api/tasks/:id', '/api/sos', '/api/risk/assess', '/api/profile', '/api/diary/:id'];
const FNS = ['checkin', 'getTasks', 'sosDispatch', 'riskAssess', 'login'];
const COLLECTIONS = ['checkins', 'tasks', 'users', 'sos_events', 'diary'];

export function makeEvents(n: number, ts: number, seed = 7): Record<string, unknown>[] {
  const r = seeded(seed);
  const pick = <T>(a: T[]) => pickFrom(r, a);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const base = { id: `ev-@@-${i}`, ts: ts + i, sid: `s-${Math.floor(r() * 1e6)}`, uid: `user-${Math.floor(r() * 5000)}` };
    const k = r();
    if (k < 0.25) out.push({ ...base, type: 'api_request', side: 'client', api: 'request', route: pick(ROUTES), method: 'POST', status: 200, duration: Math.round(80 + r() * 400), ok: r() > 0.005, reqBytes: 320, resBytes: 1480 });
    else if (k < 0.4) out.push({ ...base, type: 'page_load', page: pick(PAGES), duration: Math.round(300 + r() * 900) });
    else if (k < 0.55) out.push({ ...base, type: 'page_view', page: pick(PAGES), dwell: Math.round(r() * 60_000) });
    else if (k < 0.68) out.push({ ...base, type: 'function_invocation', fn: pick(FNS), duration: Math.round(20 + r() * 250), ok: r() > 0.01, cold: r() < 0.05, requestId: `req-${Math.floor(r() * 1e9)}` });
    else if (k < 0.8) out.push({ ...base, type: 'db_query', collection: pick(COLLECTIONS), op: 'get', duration: Math.round(5 + r() * 90), ok: true, docs: 12, shape: '{userId,createdAt}' });
    else if (k < 0.86) out.push({ ...base, type: 'api_request', side: 'server', route: pick(ROUTES), method: 'GET', status: 200, duration: Math.round(40 + r() * 300), ok: true });
    else if (k < 0.9) out.push({ ...base, type: 'checkin', outcome: r() < 0.5 ? 'attempt' : 'success' });
    else if (k < 0.93) out.push({ ...base, type: 'feature_use', feature: pick(['checkin', 'self_care_task', 'diary', 'breathing']) });
    else if (k < 0.96) out.push({ ...base, type: 'js_error', kind: 'error', message: "TypeError: Cannot read properties of undefined (reading 'mood')", stack: 'at onSubmit (pages/checkin/submit.js:42:13)\nat Object.tap (app-service.js:1:2048)', page: pick(PAGES), fingerprint: 'f-mood-undefined' });
    else out.push({ ...base, type: 'log', level: 'info', message: 'task reminder scheduled for user session', category: 'business' });
  }
  return out;
}

/** A batch envelope as a JSON string template with `@@` placeholders in event ids. */
export function batchTemplate(n: number, ts: number = TS_MARK + 1000, seed?: number): string {
  return JSON.stringify({
    v: 1,
    app: 'mindguard',
    env: 'production',
    release: '2.3.1',
    sdk: { name: 'mgops-node', version: '0.1.0' },
    sentAt: ts,
    ctx: { model: 'iPhone 14', os: 'iOS', osVersion: '17.5', wechat: '8.0.50', baseLib: '3.5.8' },
    events: makeEvents(n, ts, seed),
  });
}
