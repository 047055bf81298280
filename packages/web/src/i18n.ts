/** UI text: zh-CN by default, English switchable; the choice is kept in localStorage. */
import { createContext, useContext } from 'react';

export type Lang = 'zh-CN' | 'en';

const zh = {
  appName: 'MindGuard 运维监控',
  overview: '总览', metrics: '指标', client: '客户端', server: '服务端', alerts: '告警', oncall: '值班', settings: '设置',
  logout: '退出', login: '登录', userName: '用户名', password: '密码', loginFailed: '用户名或密码错误',
  loading: '加载中…', retry: '重试', loadError: '加载失败：{msg}。请检查服务是否运行，然后重试。',
  allFine: '一切正常', problems: '{n} 项异常', noData: '暂无数据：请接入 SDK — 见 README「接入 SDK」一节',
  insufficientHint: '样本不足，暂不判定',
  matrix: '监控矩阵', layer: '层', metric: '指标', value: '当前值', threshold: '阈值', state: '状态', trend: '趋势', responder: '负责人',
  ok: '正常', warning: '警告', critical: '严重', insufficient: '样本不足',
  layer_client: '客户端', layer_server: '服务端', layer_database: '数据库', layer_business: '业务', layer_security: '安全',
  activeAlerts: '当前告警', noAlerts: '没有未处理的告警', since: '开始于 {t}', ackIn: '{t} 内需确认', overdue: '已超时 {t}',
  onCallNow: '当前值班', next: '下一班', until: '至 {t}', nobody: '无人值班：请在配置文件 oncall 中设置轮值',
  sos: 'SOS 求助', openSos: '进行中的 SOS', noOpenSos: '没有进行中的 SOS', todayP95: '今日响应 p95', answeredToday: '今日已响应 {n} 次',
  status: '状态', level: '级别', firing: '告警中', acknowledged: '已确认', resolved: '已恢复',
  acknowledge: '确认', resolve: '恢复', silence: '静默', silenceFor: '静默时长', silenced: '已静默 {metric}',
  timeline: '时间线', deliveries: '通知记录', startedAt: '开始', ackBy: '确认人', detail: '详情', back: '返回',
  all: '全部', open: '未恢复', range: '时间范围', compareLastWeek: '对比上周同期', breakdown: '按维度拆分', dimension: '维度',
  lastWeek: '上周同期', warnLine: '警告线', critLine: '严重线', chooseMetric: '选择指标', noSeries: '该时间段暂无数据：请确认 SDK 已上报此指标',
  rotation: '轮值', overrides: '临时调班', role: '角色',
  people: '人员与联系方式', channels: '通知渠道', sendTest: '发送测试消息', testSent: '测试消息已发送', testFailed: '发送失败：{msg}',
  notConfigured: '未配置', configured: '已配置', silences: '静默规则', ingestKeys: '接入密钥', createKey: '新建密钥', revoke: '吊销',
  keyShownOnce: '新密钥（只显示一次，请立即保存）：', users: '账号', createUser: '新建账号', forbidden: '无权限：你的角色（{role}）不能执行此操作',
  readOnly: '只读：需要管理员权限', noPeople: '暂无人员：请在配置文件 people 中添加', noSilences: '没有静默规则',
  errorsByFp: '错误（按指纹分组）', pageLoadByPage: '页面加载（按页面）', crashByRelease: '崩溃率（按版本）', crashByDevice: '崩溃率（按机型）', launch: '启动时间（按机型）',
  count: '次数', lastSeen: '最近', breadcrumbs: '操作轨迹', stack: '调用栈（已脱敏）', funnels: '流程漏斗', noErrors: '暂无错误上报',
  leftHere: '在此离开 {n}', funnelRuns: '{runs} 次 · 完成 {completed} · 进行中 {inProgress}', funnelTruncated: '事件过多，仅统计了最近的部分',
  serverErrors: '云函数与数据库错误（按指纹分组）', apiByRoute: 'API 响应时间（按路由）', fnDurationByFn: '云函数耗时（按函数）', fnErrorsByFn: '云函数错误率（按函数）', dbByCollection: '数据库查询时间（按集合）',
  tl_opened: '触发', tl_upgraded: '级别升级', tl_value: '数值更新', tl_flapping: '抖动', tl_no_data: '无数据', tl_notified: '已发出通知', tl_suppressed: '已抑制',
  tl_delivered: '已送达', tl_delivery_failed: '发送失败', tl_fallback: '改用备用渠道', tl_acknowledged: '已确认', tl_escalated: '已升级', tl_reopened: '重新触发', tl_resolved: '已恢复',
  peopleHint: '人员与值班由配置文件 config/mindguard.yaml 初始化，可在此修改（立即生效，重启后保留，每次修改记入审计日志）；号码已脱敏。', oneTimePassword: '账号 {name} 的一次性密码（只显示一次）：',
  mustChange: '你正在使用一次性密码：请到「设置」修改密码。', changePassword: '修改密码', newPassword: '新密码（至少 10 位）', passwordChanged: '密码已修改',
  live: '实时', reconnecting: '重连中…', lang: 'English', ended: '已结束', comment: '备注', create: '创建', ends: '结束',
  save: '保存', remove: '删除', editPerson: '编辑人员', newPerson: '（新增人员）', personId: '标识', personName: '姓名', rolesComma: '角色（逗号分隔）',
  mobile: '手机号', email: '邮箱', keepBlank: '留空则不修改', saved: '已保存', audit: '审计日志', noAudit: '暂无修改记录', expire: '立即结束',
  addOverride: '添加临时调班', person: '人员', from: '开始', to: '结束', note: '备注',
  editRotation: '编辑轮值：层、成员与交接', layerName: '层名称', members: '成员（按此顺序轮换）', addMember: '添加成员', add: '添加',
  moveUp: '上移 {name}', moveDown: '下移 {name}', removeMember: '移除 {name}', start: '起始时间（上海时间）', handoff: '交接周期', handoffHint: '如 7d、12h，至少 1h',
  restriction: '仅在以下时间值班（可选）', weekdays: '一,二,三,四,五,六,日', dailyFrom: '每天从', dailyTo: '到', addLayer: '添加一层', removeLayer: '删除此层',
  swap: '换班', swapHint: '{a} 值 {b} 的班，{b} 值 {a} 的班（以上海时间计）', swapPerson: '人员 {x}', shiftFrom: '{x} 的班次开始', shiftTo: '{x} 的班次结束', swapped: '已换班',
  errMembers: '请至少选择一名成员', errPerson: '请从人员列表中选择', errHandoff: '交接周期至少 1 小时，如 7d 或 12h', errTime: '请填写时间（上海时间）',
  errEndAfter: '结束时间须晚于开始时间', errDays: '请选择星期一至星期日', errHHMM: '时间格式为 HH:MM，如 08:00', errName: '请填写名称（最多 64 个字符）',
  errSamePerson: '换班需要两个不同的人', errField: '输入有误：{msg}', fixFields: '未保存：请修正标出的字段',
  errMobile: '请填写手机号码（数字，可带 +国家码）', errEmail: '请填写有效的电子邮箱', errRoles: '请填写已有的角色，用逗号分隔', errPersonId: '编号只能用小写字母、数字、_ . -（最多 64 个）',
} as const;

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  appName: 'MindGuard Ops',
  overview: 'Overview', metrics: 'Metrics', client: 'Client', server: 'Server', alerts: 'Alerts', oncall: 'On-call', settings: 'Settings',
  logout: 'Log out', login: 'Log in', userName: 'User name', password: 'Password', loginFailed: 'Wrong user name or password',
  loading: 'Loading…', retry: 'Retry', loadError: 'Could not load: {msg}. Check that the server is running, then retry.',
  allFine: 'All fine', problems: '{n} problems', noData: 'No data yet: connect an SDK — see "Connect an SDK" in the README',
  insufficientHint: 'Too few samples to judge',
  matrix: 'Monitoring matrix', layer: 'Layer', metric: 'Metric', value: 'Value', threshold: 'Threshold', state: 'State', trend: 'Trend', responder: 'Responder',
  ok: 'OK', warning: 'Warning', critical: 'Critical', insufficient: 'Too few samples',
  layer_client: 'Client', layer_server: 'Server', layer_database: 'Database', layer_business: 'Business', layer_security: 'Security',
  activeAlerts: 'Active alerts', noAlerts: 'No open alerts', since: 'since {t}', ackIn: 'acknowledge within {t}', overdue: 'overdue by {t}',
  onCallNow: 'On call now', next: 'Next', until: 'until {t}', nobody: 'Nobody on call: set up rotations under oncall in the config',
  sos: 'SOS', openSos: 'Open SOS', noOpenSos: 'No open SOS', todayP95: "Today's response p95", answeredToday: '{n} answered today',
  status: 'Status', level: 'Level', firing: 'Firing', acknowledged: 'Acknowledged', resolved: 'Resolved',
  acknowledge: 'Acknowledge', resolve: 'Resolve', silence: 'Silence', silenceFor: 'Silence for', silenced: 'Silenced {metric}',
  timeline: 'Timeline', deliveries: 'Notifications', startedAt: 'Started', ackBy: 'Acknowledged by', detail: 'Detail', back: 'Back',
  all: 'All', open: 'Open', range: 'Range', compareLastWeek: 'Compare with last week', breakdown: 'Breakdown', dimension: 'Dimension',
  lastWeek: 'Last week', warnLine: 'Warning', critLine: 'Critical', chooseMetric: 'Metric', noSeries: 'No data in this range: check that an SDK reports this metric',
  rotation: 'Rotation', overrides: 'Overrides', role: 'Role',
  people: 'People and contact points', channels: 'Channels', sendTest: 'Send test message', testSent: 'Test message sent', testFailed: 'Failed: {msg}',
  notConfigured: 'Not configured', configured: 'Configured', silences: 'Silences', ingestKeys: 'Ingest keys', createKey: 'New key', revoke: 'Revoke',
  keyShownOnce: 'New key (shown once, store it now):', users: 'Accounts', createUser: 'New account', forbidden: 'Not allowed: your role ({role}) cannot do this',
  readOnly: 'Read-only: needs an admin', noPeople: 'No people yet: add them under people in the config', noSilences: 'No silences',
  errorsByFp: 'Errors by fingerprint', pageLoadByPage: 'Page load by page', crashByRelease: 'Crash rate by release', crashByDevice: 'Crash rate by device', launch: 'Launch time by device',
  count: 'Count', lastSeen: 'Last seen', breadcrumbs: 'Breadcrumbs', stack: 'Stack (masked)', funnels: 'Funnels', noErrors: 'No errors reported',
  leftHere: '{n} left here', funnelRuns: '{runs} runs · {completed} completed · {inProgress} in progress', funnelTruncated: 'Too many events: only the most recent were counted',
  serverErrors: 'Cloud function and database errors (by fingerprint)', apiByRoute: 'API response time by route', fnDurationByFn: 'Cloud function duration by function', fnErrorsByFn: 'Cloud function error rate by function', dbByCollection: 'Database query time by collection',
  tl_opened: 'Opened', tl_upgraded: 'Upgraded', tl_value: 'Value', tl_flapping: 'Flapping', tl_no_data: 'No data', tl_notified: 'Notified', tl_suppressed: 'Suppressed',
  tl_delivered: 'Delivered', tl_delivery_failed: 'Delivery failed', tl_fallback: 'Fallback channel', tl_acknowledged: 'Acknowledged', tl_escalated: 'Escalated', tl_reopened: 'Reopened', tl_resolved: 'Resolved',
  peopleHint: 'People and on-call start from config/mindguard.yaml and can be edited here (effective at once, kept across restarts, every change audited); numbers are masked.', oneTimePassword: 'One-time password for {name} (shown once):',
  mustChange: 'You are using a one-time password: change it under Settings.', changePassword: 'Change password', newPassword: 'New password (10+ characters)', passwordChanged: 'Password changed',
  live: 'Live', reconnecting: 'Reconnecting…', lang: '中文', ended: 'ended', comment: 'Comment', create: 'Create', ends: 'Ends',
  save: 'Save', remove: 'Delete', editPerson: 'Edit a person', newPerson: '(new person)', personId: 'Id', personName: 'Name', rolesComma: 'Roles (comma-separated)',
  mobile: 'Mobile', email: 'E-mail', keepBlank: 'blank keeps the current one', saved: 'Saved', audit: 'Audit log', noAudit: 'No changes yet', expire: 'End now',
  addOverride: 'Add an override', person: 'Person', from: 'From', to: 'To', note: 'Note',
  editRotation: 'Edit rotation: layers, members and hand-off', layerName: 'Layer name', members: 'Members (take turns in this order)', addMember: 'Add a member', add: 'Add',
  moveUp: 'Move {name} up', moveDown: 'Move {name} down', removeMember: 'Remove {name}', start: 'Start (Shanghai time)', handoff: 'Hand-off every', handoffHint: 'e.g. 7d, 12h; at least 1h',
  restriction: 'On call only during (optional)', weekdays: 'Mon,Tue,Wed,Thu,Fri,Sat,Sun', dailyFrom: 'Daily from', dailyTo: 'to', addLayer: 'Add a layer', removeLayer: 'Remove this layer',
  swap: 'Swap shifts', swapHint: "{a} covers {b}'s shift and {b} covers {a}'s (Shanghai time)", swapPerson: 'Person {x}', shiftFrom: "{x}'s shift from", shiftTo: "{x}'s shift to", swapped: 'Swapped',
  errMembers: 'Choose at least one member', errPerson: 'Choose someone from the people list', errHandoff: 'Hand-off must be at least 1h, e.g. 7d or 12h', errTime: 'Enter a time (Shanghai time)',
  errEndAfter: 'The end must be after the start', errDays: 'Choose weekdays Monday to Sunday', errHHMM: 'Use HH:MM, e.g. 08:00', errName: 'Enter a name (at most 64 characters)',
  errSamePerson: 'A swap needs two different people', errField: 'Invalid input: {msg}', fixFields: 'Not saved: fix the marked fields',
  errMobile: 'Enter a phone number (digits, optionally +country code)', errEmail: 'Enter a valid e-mail address', errRoles: 'Enter existing roles, separated by commas', errPersonId: 'Use lower-case letters, digits, _ . - (at most 64)',
};

export const DICTS: Record<Lang, Record<Key, string>> = { 'zh-CN': zh, en };

export type T = (key: Key, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): T {
  const d = DICTS[lang];
  return (key, vars) => d[key].replace(/\{(\w+)\}/g, (_m, k: string) => String(vars?.[k] ?? ''));
}

export const LangContext = createContext<{ lang: Lang; t: T; setLang: (l: Lang) => void }>({ lang: 'zh-CN', t: translator('zh-CN'), setLang: () => undefined });
export const useI18n = () => useContext(LangContext);

export function initialLang(): Lang {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('mgops.lang') : null;
  return saved === 'en' ? 'en' : 'zh-CN';
}

/** The on-call roles of the MindGuard team (server: oncall/model.ts ROLES) and the dashboard's access roles. */
const ROLE_NAMES: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    ops_lead: '运维负责人', ops_engineer: '运维工程师', tech_lead: '技术负责人', product_lead: '产品负责人', dba: '数据库管理员',
    security_engineer: '安全工程师', ai_engineer: 'AI工程师', frontend_developer: '前端开发', mobile_developer: '移动开发',
    backend_developer: '后端开发', product_manager: '产品经理', operations_lead: '运营负责人', management: '管理层',
    admin: '管理员', ops: '运维', developer: '开发', viewer: '只读',
  },
  en: {
    ops_lead: 'Ops lead', ops_engineer: 'Ops engineer', tech_lead: 'Tech lead', product_lead: 'Product lead', dba: 'DBA',
    security_engineer: 'Security engineer', ai_engineer: 'AI engineer', frontend_developer: 'Front-end developer', mobile_developer: 'Mobile developer',
    backend_developer: 'Back-end developer', product_manager: 'Product manager', operations_lead: 'Operations lead', management: 'Management',
    admin: 'Admin', ops: 'Ops', developer: 'Developer', viewer: 'Viewer',
  },
};

/** A role's name in the UI language; a role the config adds beyond these shows as its id. */
export function roleName(role: string | null | undefined, lang: Lang): string {
  if (!role) return '—';
  return Object.prototype.hasOwnProperty.call(ROLE_NAMES[lang], role) ? (ROLE_NAMES[lang][role] as string) : role;
}
