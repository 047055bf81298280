/** Message wording, zh-CN by default with English available. Only labels: no user data here. */
import type { Lang, Level, NotificationMessage } from '../types.js';

export type Kind = NotificationMessage['kind'];

export interface Words {
  kind: Record<Kind, string>;
  levelMeaning: Record<Level, string>;
  above: string;
  below: string;
  detected: string;
  level: string;
  metric: string;
  value: string;
  threshold: string;
  scope: string;
  startedAt: string;
  resolvedAt: string;
  duration: string;
  deadline: string;
  ackWithin: (minutes: string) => string;
  escalation: string;
  flappingLabel: string;
  alertId: string;
  escalationStep: (n: number) => string;
  flapping: string;
  summary: string;
  ack: string;
  console: string;
  timezone: string;
  digestTitle: (n: number) => string;
  truncated: string;
  andMore: (n: number) => string;
  noValue: string;
}

const zh: Words = {
  kind: { firing: '告警', resolved: '已恢复', reminder: '告警提醒（未确认）', escalation: '告警升级', digest: '合并通知', test: '测试消息' },
  levelMeaning: { P0: '系统不可用 / 数据丢失 / 安全漏洞', P1: '功能异常 / 性能下降 / 数据异常', P2: '用户体验问题', P3: '统计 / 容量预警' },
  above: '高于阈值',
  below: '低于阈值',
  detected: '检测到异常',
  level: '级别',
  metric: '指标',
  value: '当前值',
  threshold: '阈值',
  scope: '范围',
  startedAt: '开始时间',
  resolvedAt: '恢复时间',
  duration: '持续',
  deadline: '响应时限',
  ackWithin: (m) => `请在 ${m} 分钟内确认`,
  escalation: '升级',
  flappingLabel: '波动',
  alertId: '告警编号',
  escalationStep: (n) => `第 ${n} 级升级`,
  flapping: '状态频繁波动（已合并通知）',
  summary: '说明',
  ack: '确认告警',
  console: '查看详情',
  timezone: '北京时间',
  digestTitle: (n) => `${n} 条告警通知`,
  truncated: '\n\n…（内容过长已截断，完整信息请查看控制台）',
  andMore: (n) => `等 ${n} 项`,
  noValue: '无数据',
};

const en: Words = {
  kind: { firing: 'FIRING', resolved: 'RESOLVED', reminder: 'REMINDER (unacknowledged)', escalation: 'ESCALATED', digest: 'DIGEST', test: 'TEST' },
  levelMeaning: {
    P0: 'system unavailable / data loss / security hole',
    P1: 'function abnormal / performance down / data abnormal',
    P2: 'user-experience problem',
    P3: 'statistics / capacity warning',
  },
  above: 'above threshold',
  below: 'below threshold',
  detected: 'detected',
  level: 'Level',
  metric: 'Metric',
  value: 'Value',
  threshold: 'Threshold',
  scope: 'Scope',
  startedAt: 'Started',
  resolvedAt: 'Resolved',
  duration: 'Duration',
  deadline: 'Respond',
  ackWithin: (m) => `acknowledge within ${m} min`,
  escalation: 'Escalation',
  flappingLabel: 'Flapping',
  alertId: 'Alert',
  escalationStep: (n) => `escalation step ${n}`,
  flapping: 'flapping (notifications merged)',
  summary: 'Summary',
  ack: 'Acknowledge',
  console: 'Open console',
  timezone: 'Asia/Shanghai',
  digestTitle: (n) => `${n} alert notifications`,
  truncated: '\n\n… (truncated, see the console for the full message)',
  andMore: (n) => `and ${n - 1} more`,
  noValue: 'no data',
};

export function words(lang: Lang): Words {
  return lang === 'en' ? en : zh;
}
