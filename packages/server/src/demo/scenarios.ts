/**
 * The fault scenarios a demo can inject, each tied to the seed's troubleshooting section (§6) and
 * to the alerts SPEC.md says it must raise. A scenario only changes what the simulated MindGuard
 * back end and clients do (`Faults`); the platform sees nothing but the SDKs' events.
 */

export type ScenarioName =
  | 'api-latency-spike'
  | 'dify-outage'
  | 'slow-db-queries'
  | 'cloud-function-errors'
  | 'crash-wave'
  | 'checkin-failures'
  | 'sos-unanswered'
  | 'brute-force-login'
  | 'unauthorised-operation'
  | 'storage-filling';

export type ExpectedAlert = { metric: string; level: 'P0' | 'P1' | 'P2' | 'P3' };

export type Scenario = {
  name: ScenarioName;
  title: string;
  /** the seed section whose troubleshooting flow applies */
  seed: string;
  expect: ExpectedAlert[];
  /** one-shot scenarios act once (e.g. an audit event); the rest hold until removed */
  oneShot: boolean;
};

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  'api-latency-spike': { name: 'api-latency-spike', title: 'API responses slow down to ~1.5 s', seed: '§6.1 性能问题 — API响应超时', expect: [{ metric: 'api_response_time', level: 'P1' }], oneShot: false },
  'dify-outage': { name: 'dify-outage', title: 'Dify risk workflow answers 503', seed: '§6.2 功能异常 — 功能无法使用 (AI risk identification)', expect: [{ metric: 'ai_service_success_rate', level: 'P1' }], oneShot: false },
  'slow-db-queries': { name: 'slow-db-queries', title: 'Check-in collection queries take ~300 ms', seed: '§6.1 性能问题 — 数据库查询缓慢', expect: [{ metric: 'db_query_time', level: 'P1' }, { metric: 'slow_query_count', level: 'P2' }, { metric: 'cloud_function_duration', level: 'P1' }], oneShot: false },
  'cloud-function-errors': { name: 'cloud-function-errors', title: '10 % of cloud-function invocations throw', seed: '§6.2 功能异常 — 后端逻辑错误', expect: [{ metric: 'cloud_function_error_rate', level: 'P1' }, { metric: 'api_success_rate', level: 'P1' }, { metric: 'client_api_error_rate', level: 'P1' }], oneShot: false },
  'crash-wave': { name: 'crash-wave', title: 'Release 2.4.0 crashes on HUAWEI devices', seed: '§6.2 功能异常 — 前端代码问题 (after a release)', expect: [{ metric: 'crash_rate', level: 'P1' }], oneShot: false },
  'checkin-failures': { name: 'checkin-failures', title: '30 % of check-ins fail on the server', seed: '§6.2 功能异常 — 用户操作失败 (情绪打卡)', expect: [{ metric: 'checkin_success_rate', level: 'P1' }, { metric: 'client_api_error_rate', level: 'P1' }], oneShot: false },
  'sos-unanswered': { name: 'sos-unanswered', title: 'An SOS press nobody answers', seed: '§6.2 功能异常 — 业务流程中断 (SOS)', expect: [{ metric: 'sos_response_time', level: 'P0' }], oneShot: false },
  'brute-force-login': { name: 'brute-force-login', title: 'Password guessing from one address', seed: '§6.4 安全问题 — 异常访问 / 恶意攻击', expect: [{ metric: 'abnormal_access', level: 'P1' }], oneShot: true },
  'unauthorised-operation': { name: 'unauthorised-operation', title: 'A viewer exports check-in records (越权)', seed: '§6.4 安全问题 — 越权操作', expect: [{ metric: 'unauthorised_operation', level: 'P0' }], oneShot: true },
  'storage-filling': { name: 'storage-filling', title: 'Database storage at 92 %', seed: '§6.3 数据问题 — 存储空间不足', expect: [{ metric: 'storage_usage', level: 'P3' }], oneShot: false },
};

export const isScenario = (s: string): s is ScenarioName => Object.prototype.hasOwnProperty.call(SCENARIOS, s);

/** The live fault state the simulated back end and clients read on every action. */
export class Faults {
  private readonly active = new Map<ScenarioName, number>();
  private readonly listeners: ((name: ScenarioName, on: boolean) => void)[] = [];

  has(name: ScenarioName): boolean {
    return this.active.has(name);
  }

  list(): { name: ScenarioName; since: number }[] {
    return [...this.active].map(([name, since]) => ({ name, since }));
  }

  onChange(fn: (name: ScenarioName, on: boolean) => void): void {
    this.listeners.push(fn);
  }

  inject(name: ScenarioName, now = Date.now()): void {
    if (!SCENARIOS[name].oneShot) this.active.set(name, now);
    for (const l of this.listeners) l(name, true);
  }

  remove(name: ScenarioName): boolean {
    const had = this.active.delete(name);
    if (had) for (const l of this.listeners) l(name, false);
    return had;
  }

  clear(): void {
    for (const name of [...this.active.keys()]) this.remove(name);
  }
}
