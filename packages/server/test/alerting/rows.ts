/**
 * SPEC.md §2, one entry per row: the data the collector receives in each phase of a row's
 * timeline. Each phase's batch alone decides the metric's state (the timeline moves one window
 * and a minute between phases, so the window holds exactly that batch):
 *
 *   few  — breaching values, one sample short of the minimum      → nothing fires
 *   warn — between the warn and crit thresholds                     → the warn level
 *   crit — beyond the crit threshold (security: "detected")         → the crit level (upgrade)
 *   ok   — normal values                                            → resolves after a full window
 *
 * | row                       | window | min  | few (no alarm)                    | warn → | crit →   | oscillation         |
 * |---------------------------|--------|------|-----------------------------------|--------|----------|---------------------|
 * | app_launch_time           | 5m     | 20   | 19 launches of 6 s                | P2     | P1       | 6-min swings, flaps |
 * | page_load_time            | 5m     | 20   | 19 loads of 3 s                   | P2     | P1       | flaps               |
 * | api_response_time         | 5m     | 50   | 49 calls of 1.5 s                 | P2     | P1       | flaps               |
 * | cloud_function_duration   | 5m     | 20   | 19 runs of 800 ms                 | P2     | P1       | flaps               |
 * | db_query_time             | 5m     | 20   | 19 queries of 250 ms              | P2     | P1       | flaps               |
 * | service_availability      | 1h     | 10   | 9 failed probes                   | P1     | P0       | one page, no flap   |
 * | api_success_rate          | 5m     | 100  | 99 failed calls                   | P2     | P1       | flaps               |
 * | crash_rate                | 1h     | 200  | 199 sessions, 5 crashes           | P2     | P1       | one page            |
 * | error_rate                | 15m    | 200  | 199 page views, 10 errors         | P2     | P1       | one page            |
 * | client_api_error_rate     | 5m     | 100  | 99 failed requests                | —      | P1       | flaps               |
 * | cloud_function_error_rate | 5m     | 50   | 49 failed runs                    | —      | P1       | flaps               |
 * | concurrent_requests       | 1m     | gauge| no samples                        | —      | P2       | 2-min swings, flaps |
 * | ai_service_success_rate   | 15m    | 20   | 19 failed calls                   | —      | P1       | one page            |
 * | slow_query_count          | 1h     | —    | 10 slow queries (not > 10)        | —      | P2       | one page            |
 * | storage_usage             | 5m     | gauge| no samples                        | —      | P3       | flaps               |
 * | db_connections            | 1m     | gauge| no samples                        | —      | P2       | flaps               |
 * | feature_usage_rate        | 1d     | —    | — (expected 100 uses a day)       | —      | P3       | one page            |
 * | checkin_success_rate      | 15m    | 20   | 19 attempts, no success           | P2     | P1       | one page            |
 * | task_completion_rate      | 1d     | 50   | 49 tasks due, none done           | P3     | P2       | one page            |
 * | sos_response_time         | per SOS| —    | an SOS answered in 20 s           | P1@30s | P0@60s   | — (timed per SOS)   |
 * | risk_accuracy             | 7d     | 50   | 49 labels, none matching          | P2     | P1       | one page            |
 * | user_retention            | 1d     | 20   | a cohort of 19, none back         | —      | P3       | one page            |
 * | abnormal_access           | 5m     | —    | 19 failed logins (limit 20)       | —      | P1       | flaps               |
 * | unauthorised_operation    | 5m     | —    | nothing                           | —      | P0       | flaps               |
 * | sensitive_data_access     | 1h     | —    | 200 records read (limit 200)      | —      | P1       | one page            |
 * | data_leak_risk            | 5m     | —    | a log line without personal data  | —      | P0       | flaps               |
 *
 * sos_response_time has its own timeline test (rows-ai-security-sos.int.test.ts): per SOS, not per window.
 * "flaps": the oscillation swings faster than 4 changes an hour, so the alert is marked flapping;
 * "one page": a window of 15 min or more cannot change state that often at one batch a window.
 */
import type { Config, Level } from '../../src/config/schema.js';
import type { Ev } from '../helpers.js';
import { DAY, HOUR, MIN, type Batch } from './harness.js';

export type Phase = 'few' | 'warn' | 'crit' | 'ok';

export type Row = {
  id: string;
  nameZh: string;
  windowMs: number;
  /** SPEC.md §2 levels ("—" = null) */
  warn: Level | null;
  crit: Level;
  /** the matrix responder role */
  responder: string;
  /** a security detection ("detected → level") rather than a threshold */
  detected?: true;
  /** the data for a phase at time `t`; `few` is absent where the row has no minimum to prove */
  data: Partial<Record<Phase, (t: number, k: number) => Batch[]>> & { crit: (t: number, k: number) => Batch[]; ok: (t: number, k: number) => Batch[] };
  edit?: (c: Config) => void;
};

const rep = (n: number, f: (i: number) => Ev): Ev[] => Array.from({ length: n }, (_, i) => f(i));
const mp = (events: Ev[]): Batch[] => [{ events, sdk: 'mp' }];
const node = (events: Ev[]): Batch[] => [{ events, sdk: 'node' }];
/** n events of which the first `bad` fail */
const some = (n: number, bad: number, f: (ok: boolean, i: number) => Ev): Ev[] => rep(n, (i) => f(i >= bad, i));

const launch = (ms: number, n: number) => mp(rep(n, () => ({ type: 'app_launch', duration: ms, cold: false })));
const pageLoad = (ms: number, n: number) => mp(rep(n, () => ({ type: 'page_load', page: 'pages/index/index', duration: ms })));
const serverApi = (n: number, bad: number, ms = 100) => node(some(n, bad, (ok) => ({ type: 'api_request', side: 'server', route: '/api/checkin', status: ok ? 200 : 500, duration: ms, ok })));
const clientApi = (n: number, bad: number) => mp(some(n, bad, (ok) => ({ type: 'api_request', side: 'client', api: 'request', route: '/api/checkin', status: ok ? 200 : 500, duration: 120, ok })));
const fn = (n: number, bad: number, ms = 100) => node(some(n, bad, (ok) => ({ type: 'function_invocation', fn: 'checkin', duration: ms, ok })));
const dbq = (durations: number[]) => node(durations.map((d) => ({ type: 'db_query', collection: 'checkins', op: 'get', duration: d, ok: true, docs: 3 })));
const probes = (n: number, bad: number) => node(some(n, bad, (ok) => ({ type: 'probe', target: 'api-gateway', ok, duration: 40 })));
const sessions = (n: number, crashes: number) =>
  mp([...rep(n, () => ({ type: 'app_launch', duration: 1000, cold: true })), ...rep(crashes, () => ({ type: 'crash', reason: 'abnormal_exit', lastPage: 'pages/index/index' }))]);
const views = (n: number, errors: number) =>
  mp([...rep(n, () => ({ type: 'page_view', page: 'pages/index/index', dwell: 5000 })), ...rep(errors, () => ({ type: 'js_error', kind: 'error', message: 'TypeError: x is undefined', page: 'pages/index/index' }))]);
const resource = (resource: string, value: number, target: string, capacity?: number) => node([{ type: 'resource', resource, value, target, ...(capacity ? { capacity } : {}) }]);
const ai = (n: number, bad: number) => node(some(n, bad, (ok) => ({ type: 'ai_call', workflow: 'risk-assess', duration: 2000, ok })));
const checkins = (attempts: number, successes: number) =>
  node([...rep(attempts, () => ({ type: 'checkin', outcome: 'attempt' })), ...rep(successes, () => ({ type: 'checkin', outcome: 'success' }))]);
const tasks = (due: number, done: number) => node([...rep(due, () => ({ type: 'task', outcome: 'due' })), ...rep(done, () => ({ type: 'task', outcome: 'completed' }))]);
/** n reviewed predictions, `match` of them labelled as predicted */
const risk = (n: number, match: number, k: number): Batch[] => {
  const id = (i: number) => `pred-${k}-${i}`;
  return [
    { events: rep(n, (i) => ({ type: 'risk_predicted', predictionId: id(i), level: 'low', model: 'dify-v3' })), sdk: 'node' },
    { events: rep(n, (i) => ({ type: 'risk_labelled', predictionId: id(i), level: i < match ? 'low' : 'high', reviewer: 'counsellor' })), sdk: 'node' },
  ];
};
/** a cohort first seen two days before `t`, `back` of them active the next day */
const cohort = (t: number, n: number, back: number, k: number): Batch[] => {
  const uid = (i: number) => `cohort-${k}-${i}`;
  return [
    { events: rep(n, (i) => ({ type: 'user_active', uid: uid(i) })), sdk: 'node', ts: t - 2 * DAY },
    { events: rep(back, (i) => ({ type: 'user_active', uid: uid(i) })), sdk: 'node', ts: t - DAY },
  ];
};
const authFailures = (n: number) => node(rep(n, () => ({ type: 'auth_failure', source: '10.1.2.0', method: 'password' })));
const sensitive = (records: number) => node([{ type: 'sensitive_access', category: 'mood_records', records, purpose: 'support', role: 'operator', actor: 'staff-1' }]);
const logLine = (message: string) => node([{ type: 'log', level: 'warn', message, category: 'system' }]);

const M5 = 5 * MIN;
const M15 = 15 * MIN;

export const ROWS: Row[] = [
  { id: 'app_launch_time', nameZh: '应用启动时间', windowMs: M5, warn: 'P2', crit: 'P1', responder: 'mobile_developer',
    data: { few: () => launch(6000, 19), warn: () => launch(4000, 20), crit: () => launch(6000, 20), ok: () => launch(1000, 20) } },
  { id: 'page_load_time', nameZh: '页面加载时间', windowMs: M5, warn: 'P2', crit: 'P1', responder: 'frontend_developer',
    data: { few: () => pageLoad(3000, 19), warn: () => pageLoad(2000, 20), crit: () => pageLoad(3000, 20), ok: () => pageLoad(800, 20) } },
  { id: 'api_response_time', nameZh: 'API响应时间', windowMs: M5, warn: 'P2', crit: 'P1', responder: 'backend_developer',
    data: { few: () => serverApi(49, 0, 1500), warn: () => serverApi(50, 0, 700), crit: () => serverApi(50, 0, 1500), ok: () => serverApi(50, 0, 200) } },
  { id: 'cloud_function_duration', nameZh: '云函数执行时间', windowMs: M5, warn: 'P2', crit: 'P1', responder: 'backend_developer',
    data: { few: () => fn(19, 0, 800), warn: () => fn(20, 0, 400), crit: () => fn(20, 0, 800), ok: () => fn(20, 0, 100) } },
  // crit: half the queries at 250 ms (p95 250 ms), ten slow queries — not yet > 10 slow an hour
  { id: 'db_query_time', nameZh: '数据库查询时间', windowMs: M5, warn: 'P2', crit: 'P1', responder: 'dba',
    data: { few: () => dbq(Array(19).fill(150)), warn: () => dbq(Array(20).fill(150)), crit: () => dbq([...Array(10).fill(150), ...Array(10).fill(250)]), ok: () => dbq(Array(20).fill(50)) } },
  { id: 'service_availability', nameZh: '服务可用率', windowMs: HOUR, warn: 'P1', crit: 'P0', responder: 'ops_lead',
    data: { few: () => probes(9, 9), warn: () => probes(250, 2), crit: () => probes(250, 5), ok: () => probes(250, 0) } },
  { id: 'api_success_rate', nameZh: 'API成功率', windowMs: M5, warn: 'P2', crit: 'P1', responder: 'backend_developer',
    data: { few: () => serverApi(99, 99), warn: () => serverApi(200, 3), crit: () => serverApi(200, 6), ok: () => serverApi(200, 0) } },
  { id: 'crash_rate', nameZh: '崩溃率', windowMs: HOUR, warn: 'P2', crit: 'P1', responder: 'mobile_developer',
    data: { few: () => sessions(199, 5), warn: () => sessions(1000, 3), crit: () => sessions(1000, 8), ok: () => sessions(1000, 0) } },
  { id: 'error_rate', nameZh: '错误率', windowMs: M15, warn: 'P2', crit: 'P1', responder: 'frontend_developer',
    data: { few: () => views(199, 10), warn: () => views(400, 3), crit: () => views(400, 6), ok: () => views(400, 1) } },
  { id: 'client_api_error_rate', nameZh: 'API错误率', windowMs: M5, warn: null, crit: 'P1', responder: 'backend_developer',
    data: { few: () => clientApi(99, 99), crit: () => clientApi(200, 5), ok: () => clientApi(200, 1) } },
  { id: 'cloud_function_error_rate', nameZh: '云函数错误率', windowMs: M5, warn: null, crit: 'P1', responder: 'backend_developer',
    data: { few: () => fn(49, 49), crit: () => fn(100, 5), ok: () => fn(100, 1) } },
  // 300 in flight against the expected capacity of 200 (config expected.concurrentCapacity)
  { id: 'concurrent_requests', nameZh: '并发请求数', windowMs: MIN, warn: null, crit: 'P2', responder: 'ops_engineer',
    data: { crit: () => resource('concurrency', 300, 'inst-a'), ok: () => resource('concurrency', 100, 'inst-a') } },
  { id: 'ai_service_success_rate', nameZh: 'AI服务成功率', windowMs: M15, warn: null, crit: 'P1', responder: 'ai_engineer',
    data: { few: () => ai(19, 19), crit: () => ai(40, 4), ok: () => ai(40, 0) } },
  // slow queries among many fast ones (p95 stays fast: no db_query_time alarm)
  { id: 'slow_query_count', nameZh: '慢查询数量', windowMs: HOUR, warn: null, crit: 'P2', responder: 'dba',
    data: { few: () => dbq([...Array(10).fill(250), ...Array(400).fill(50)]), crit: () => dbq([...Array(11).fill(250), ...Array(400).fill(50)]), ok: () => dbq([...Array(3).fill(250), ...Array(100).fill(50)]) } },
  { id: 'storage_usage', nameZh: '存储空间使用率', windowMs: M5, warn: null, crit: 'P3', responder: 'ops_engineer',
    data: { crit: () => resource('storage', 90, 'cloudbase-db', 100), ok: () => resource('storage', 70, 'cloudbase-db', 100) } },
  // 90 of the configured maximum 100 connections (config expected.dbConnectionsMax)
  { id: 'db_connections', nameZh: '连接数', windowMs: MIN, warn: null, crit: 'P2', responder: 'dba',
    data: { crit: () => resource('connections', 90, 'pg-pool', 100), ok: () => resource('connections', 50, 'pg-pool', 100) } },
  { id: 'feature_usage_rate', nameZh: '功能使用率', windowMs: DAY, warn: null, crit: 'P3', responder: 'product_manager',
    edit: (c) => (c.expected.featureUsage = { checkin: 100 }),
    data: { crit: () => mp(rep(50, () => ({ type: 'feature_use', feature: 'checkin' }))), ok: () => mp(rep(90, () => ({ type: 'feature_use', feature: 'checkin' }))) } },
  { id: 'checkin_success_rate', nameZh: '情绪打卡成功率', windowMs: M15, warn: 'P2', crit: 'P1', responder: 'product_manager',
    data: { few: () => checkins(19, 0), warn: () => checkins(40, 37), crit: () => checkins(40, 34), ok: () => checkins(40, 39) } },
  { id: 'task_completion_rate', nameZh: '任务完成率', windowMs: DAY, warn: 'P3', crit: 'P2', responder: 'product_manager',
    data: { few: () => tasks(49, 0), warn: () => tasks(100, 75), crit: () => tasks(100, 60), ok: () => tasks(100, 90) } },
  { id: 'risk_accuracy', nameZh: '风险识别准确率', windowMs: 7 * DAY, warn: 'P2', crit: 'P1', responder: 'ai_engineer',
    data: { few: (_, k) => risk(49, 0, k), warn: (_, k) => risk(100, 88, k), crit: (_, k) => risk(100, 80, k), ok: (_, k) => risk(100, 95, k) } },
  // day-1 retention against the expected 40 % (config expected.retention.day1)
  { id: 'user_retention', nameZh: '用户留存率', windowMs: DAY, warn: null, crit: 'P3', responder: 'product_manager',
    data: { few: (t, k) => cohort(t, 19, 0, k), crit: (t, k) => cohort(t, 20, 4, k), ok: (t, k) => cohort(t, 20, 16, k) } },
  { id: 'abnormal_access', nameZh: '异常访问', windowMs: M5, warn: null, crit: 'P1', responder: 'security_engineer', detected: true,
    data: { few: () => authFailures(19), crit: () => authFailures(25), ok: () => authFailures(2) } },
  { id: 'unauthorised_operation', nameZh: '越权操作', windowMs: M5, warn: null, crit: 'P0', responder: 'security_engineer', detected: true,
    data: { crit: () => node([{ type: 'unauthorised_op', operation: 'export_diaries', resource: 'diary', role: 'operator', actor: 'staff-7' }]), ok: () => [] } },
  { id: 'sensitive_data_access', nameZh: '敏感数据访问', windowMs: HOUR, warn: null, crit: 'P1', responder: 'security_engineer', detected: true,
    data: { few: () => sensitive(200), crit: () => sensitive(250), ok: () => sensitive(5) } },
  { id: 'data_leak_risk', nameZh: '数据泄露风险', windowMs: M5, warn: null, crit: 'P0', responder: 'security_engineer', detected: true,
    data: { few: () => logLine('sms gateway timed out'), crit: () => logLine('sms to 13912345678 failed'), ok: () => [] } },
];

export const row = (id: string): Row => {
  const r = ROWS.find((x) => x.id === id);
  if (!r) throw new Error(`no row ${id}`);
  return r;
};
