/**
 * The metric catalogue of SPEC.md §2: what each metric is and how it is computed from rollup
 * series. Thresholds, windows, minimum samples, levels and responders come from the config.
 */
export type Unit = 'ms' | 's' | '%' | 'count';
/** "above": a value above the threshold is bad; "below": a value below it is bad. */
export type Direction = 'above' | 'below';

export type Computation =
  /** p95 of a latency series */
  | { kind: 'p95'; series: string }
  /** 100 × good / all of one series (`bad` counts failures) */
  | { kind: 'success'; series: string }
  /** 100 × bad / all of one series */
  | { kind: 'failure'; series: string }
  /** 100 × n(numerator) / n(denominator) */
  /**
   * num / den in %. `share`: the numerator is a subset of the denominator (a success of an
   * attempt), so the value is capped at 100 % — an attempt just before the window and its success
   * just inside it must not read as 114 %.
   */
  | { kind: 'ratio'; num: string; den: string; preferServer?: boolean; share?: boolean }
  /** number of events of a series in the window */
  | { kind: 'count'; series: string }
  /** 100 × max gauge / capacity (capacity from the sample or the config) */
  | { kind: 'gauge_pct'; series: string; capacity?: 'concurrentCapacity' | 'dbConnectionsMax' }
  /** computed by a dedicated function (SOS, risk, retention, feature usage, security detectors) */
  | { kind: 'custom'; fn: CustomMetric };

export type CustomMetric =
  | 'sos'
  | 'risk_accuracy'
  | 'retention'
  | 'feature_usage'
  | 'abnormal_access'
  | 'sensitive_access'
  | 'data_leak';

export type MetricDef = {
  id: string;
  /** the seed's Chinese name */
  nameZh: string;
  nameEn: string;
  layer: 'client' | 'server' | 'database' | 'business' | 'security';
  unit: Unit;
  direction: Direction;
  compute: Computation;
  /** dimensions this metric can be broken down by */
  dims: string[];
};

const DEV = ['model', 'os', 'release'];

export const CATALOGUE: MetricDef[] = [
  { id: 'app_launch_time', nameZh: '应用启动时间', nameEn: 'App launch time', layer: 'client', unit: 'ms', direction: 'above', compute: { kind: 'p95', series: 'launch' }, dims: DEV },
  { id: 'page_load_time', nameZh: '页面加载时间', nameEn: 'Page load time', layer: 'client', unit: 'ms', direction: 'above', compute: { kind: 'p95', series: 'page_load' }, dims: ['page', ...DEV] },
  { id: 'api_response_time', nameZh: 'API响应时间', nameEn: 'API response time', layer: 'server', unit: 'ms', direction: 'above', compute: { kind: 'p95', series: 'api.server' }, dims: ['route', 'release'] },
  { id: 'cloud_function_duration', nameZh: '云函数执行时间', nameEn: 'Cloud function duration', layer: 'server', unit: 'ms', direction: 'above', compute: { kind: 'p95', series: 'fn' }, dims: ['fn', 'release'] },
  { id: 'db_query_time', nameZh: '数据库查询时间', nameEn: 'Database query time', layer: 'database', unit: 'ms', direction: 'above', compute: { kind: 'p95', series: 'db' }, dims: ['collection', 'op'] },
  { id: 'service_availability', nameZh: '服务可用率', nameEn: 'Service availability', layer: 'server', unit: '%', direction: 'below', compute: { kind: 'success', series: 'probe' }, dims: ['target'] },
  { id: 'api_success_rate', nameZh: 'API成功率', nameEn: 'API success rate', layer: 'server', unit: '%', direction: 'below', compute: { kind: 'success', series: 'api.server' }, dims: ['route', 'release'] },
  { id: 'crash_rate', nameZh: '崩溃率', nameEn: 'Crash rate', layer: 'client', unit: '%', direction: 'above', compute: { kind: 'ratio', num: 'crash', den: 'session' }, dims: DEV },
  { id: 'error_rate', nameZh: '错误率', nameEn: 'JS error rate', layer: 'client', unit: '%', direction: 'above', compute: { kind: 'ratio', num: 'js_error', den: 'page_view' }, dims: ['page', ...DEV] },
  { id: 'client_api_error_rate', nameZh: 'API错误率', nameEn: 'Client API error rate', layer: 'client', unit: '%', direction: 'above', compute: { kind: 'failure', series: 'api.client' }, dims: ['route', ...DEV] },
  { id: 'cloud_function_error_rate', nameZh: '云函数错误率', nameEn: 'Cloud function error rate', layer: 'server', unit: '%', direction: 'above', compute: { kind: 'failure', series: 'fn' }, dims: ['fn', 'release'] },
  { id: 'concurrent_requests', nameZh: '并发请求数', nameEn: 'Concurrent requests', layer: 'server', unit: '%', direction: 'above', compute: { kind: 'gauge_pct', series: 'concurrency', capacity: 'concurrentCapacity' }, dims: ['target'] },
  { id: 'ai_service_success_rate', nameZh: 'AI服务成功率', nameEn: 'AI service success rate', layer: 'server', unit: '%', direction: 'below', compute: { kind: 'success', series: 'ai' }, dims: ['workflow'] },
  { id: 'slow_query_count', nameZh: '慢查询数量', nameEn: 'Slow queries', layer: 'database', unit: 'count', direction: 'above', compute: { kind: 'count', series: 'db.slow' }, dims: ['collection'] },
  { id: 'storage_usage', nameZh: '存储空间使用率', nameEn: 'Storage usage', layer: 'database', unit: '%', direction: 'above', compute: { kind: 'gauge_pct', series: 'storage' }, dims: ['target'] },
  { id: 'db_connections', nameZh: '连接数', nameEn: 'DB connections', layer: 'database', unit: '%', direction: 'above', compute: { kind: 'gauge_pct', series: 'connections', capacity: 'dbConnectionsMax' }, dims: ['target'] },
  { id: 'feature_usage_rate', nameZh: '功能使用率', nameEn: 'Feature usage vs expected', layer: 'client', unit: '%', direction: 'below', compute: { kind: 'custom', fn: 'feature_usage' }, dims: ['feature'] },
  { id: 'checkin_success_rate', nameZh: '情绪打卡成功率', nameEn: 'Check-in success rate', layer: 'business', unit: '%', direction: 'below', compute: { kind: 'ratio', num: 'checkin.success', den: 'checkin.attempt', preferServer: true, share: true }, dims: [] },
  { id: 'task_completion_rate', nameZh: '任务完成率', nameEn: 'Task completion rate', layer: 'business', unit: '%', direction: 'below', compute: { kind: 'ratio', num: 'task.completed', den: 'task.due', preferServer: true, share: true }, dims: [] },
  { id: 'sos_response_time', nameZh: 'SOS响应时间', nameEn: 'SOS response time', layer: 'business', unit: 's', direction: 'above', compute: { kind: 'custom', fn: 'sos' }, dims: [] },
  { id: 'risk_accuracy', nameZh: '风险识别准确率', nameEn: 'Risk identification accuracy', layer: 'business', unit: '%', direction: 'below', compute: { kind: 'custom', fn: 'risk_accuracy' }, dims: ['model'] },
  { id: 'user_retention', nameZh: '用户留存率', nameEn: 'User retention vs expected', layer: 'business', unit: '%', direction: 'below', compute: { kind: 'custom', fn: 'retention' }, dims: [] },
  { id: 'abnormal_access', nameZh: '异常访问', nameEn: 'Abnormal access', layer: 'security', unit: 'count', direction: 'above', compute: { kind: 'custom', fn: 'abnormal_access' }, dims: ['source'] },
  { id: 'unauthorised_operation', nameZh: '越权操作', nameEn: 'Unauthorised operations', layer: 'security', unit: 'count', direction: 'above', compute: { kind: 'count', series: 'unauthorised_op' }, dims: ['role', 'operation'] },
  { id: 'sensitive_data_access', nameZh: '敏感数据访问', nameEn: 'Sensitive data access', layer: 'security', unit: 'count', direction: 'above', compute: { kind: 'custom', fn: 'sensitive_access' }, dims: ['category', 'role'] },
  { id: 'data_leak_risk', nameZh: '数据泄露风险', nameEn: 'Data leak risk', layer: 'security', unit: 'count', direction: 'above', compute: { kind: 'custom', fn: 'data_leak' }, dims: ['kind'] },
];

export const METRIC_IDS = new Set(CATALOGUE.map((m) => m.id));
export const metricDef = (id: string): MetricDef | undefined => CATALOGUE.find((m) => m.id === id);
