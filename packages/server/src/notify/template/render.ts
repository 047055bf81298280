/**
 * Renders an alert notice into a channel-neutral message: markdown, plain text, HTML and short
 * template parameters. Inputs are metric names, numbers, times and links — never user data; the
 * privacy guard checks the result again before any channel sends it.
 */
import type { Lang, Level, NotificationMessage } from '../types.js';
import { escapeHtml, escapeMarkdown, formatDurationShort, formatShanghai, formatValue, type Unit } from './format.js';
import { words, type Kind } from './i18n.js';

export interface AlertNotice {
  kind: Exclude<Kind, 'digest'>;
  /** the alert's id as shown to people (short, no personal data) */
  alertId: string;
  level: Level;
  metric: { id: string; nameZh: string; nameEn: string };
  /** 'detected' for the security detectors and per-event rules */
  severity?: 'warning' | 'critical' | 'detected';
  value?: number | null;
  threshold?: number;
  unit?: Unit;
  direction?: 'above' | 'below';
  /** dimensions of the alert, e.g. { route: '/api/checkin' } */
  labels?: Record<string, string>;
  /** the labels define the alert's rule (per-dimension alerts, config `alertBy`): shown in the title too */
  scoped?: boolean;
  startedAt: number;
  resolvedAt?: number;
  ackWithinMs?: number;
  flapping?: boolean;
  escalationStep?: number;
  /** a short machine-made explanation (detector output); checked by the privacy guard */
  summary?: string;
  links: { console: string; ack?: string };
}

type Fact = { label: string; value: string };

/** Index of each entry of `NotificationMessage.params` (SMS and voice template variables). */
export const PARAM = { level: 0, metric: 1, value: 2, threshold: 3, ackMinutes: 4, alertId: 5 } as const;

const LEVEL_ICON: Record<Level, string> = { P0: '🔴', P1: '🟠', P2: '🟡', P3: '🔵' };

export function renderAlert(notice: AlertNotice, lang: Lang = 'zh-CN'): NotificationMessage {
  const w = words(lang);
  const labels = Object.entries(notice.labels ?? {});
  const scope = labels.map(([k, v]) => `${k}=${v}`).join(', ');
  // a per-dimension alert's scope (route, page, release…) belongs in the title: it is what the reader acts on
  const baseName = lang === 'en' ? notice.metric.nameEn : notice.metric.nameZh;
  const metricName = baseName + (scope && notice.scoped ? ` · ${scope}` : '');
  const condition = conditionText(notice, lang);
  const kindWord = w.kind[notice.kind];
  const title =
    notice.kind === 'resolved'
      ? `[${notice.level} ${kindWord}] ${metricName}`
      : `[${notice.level} ${kindWord}] ${metricName} ${condition}`.trim();
  const valueText = notice.value === undefined || notice.value === null ? w.noValue : formatValue(notice.value, notice.unit, notice.threshold);
  const thresholdText = thresholdPhrase(notice);
  const ackMinutes = notice.ackWithinMs !== undefined ? String(Math.round(notice.ackWithinMs / 60_000)) : '';

  const facts: Fact[] = [
    { label: w.level, value: `${notice.level}（${w.levelMeaning[notice.level]}）` },
    { label: w.metric, value: `${baseName}（${notice.metric.id}）` },
  ];
  if (notice.severity !== 'detected' || notice.value !== undefined) {
    facts.push({ label: w.value, value: thresholdText ? `${valueText}（${w.threshold} ${thresholdText}）` : valueText });
  }
  if (scope) facts.push({ label: w.scope, value: scope });
  facts.push({ label: w.startedAt, value: `${formatShanghai(notice.startedAt)}（${w.timezone}）` });
  if (notice.resolvedAt !== undefined) {
    facts.push({ label: w.resolvedAt, value: `${formatShanghai(notice.resolvedAt)}（${w.timezone}）` });
    facts.push({ label: w.duration, value: formatDurationShort(notice.resolvedAt - notice.startedAt) });
  }
  if (notice.kind !== 'resolved' && ackMinutes !== '') facts.push({ label: w.deadline, value: w.ackWithin(ackMinutes) });
  if (notice.escalationStep !== undefined) facts.push({ label: w.escalation, value: w.escalationStep(notice.escalationStep) });
  if (notice.flapping) facts.push({ label: w.flappingLabel, value: w.flapping });
  if (notice.summary) facts.push({ label: w.summary, value: notice.summary });
  facts.push({ label: w.alertId, value: notice.alertId });

  const heading = `${notice.kind === 'resolved' ? '✅' : LEVEL_ICON[notice.level]} ${notice.level} ${kindWord}：${metricName}`;
  const links = notice.kind === 'resolved' ? { console: notice.links.console } : notice.links;
  return {
    kind: notice.kind,
    level: notice.level,
    lang,
    title,
    markdown: [`### ${escapeMarkdown(heading)}`, ...facts.map((f) => `- **${f.label}**：${escapeMarkdown(f.value)}`)].join('\n'),
    text: [heading, ...facts.map((f) => `${f.label}：${f.value}`), ...linkLines(links, lang)].join('\n'),
    html: renderHtml(heading, facts, links, lang),
    // SMS / voice template variables are short (20 characters): the metric's name, and for a
    // per-dimension alert the shortest form of its scope — what the person paged acts on
    params: [notice.level, notice.scoped && labels.length ? `${baseName}·${shortScope(labels)}` : baseName, valueText, thresholdText, ackMinutes, notice.alertId],
    links,
    count: 1,
  };
}

/**
 * A scope for a short template variable: the values alone, a page without `pages/` and without a
 * last segment that repeats its folder or is `index` (`pages/checkin/checkin` → `checkin`).
 */
export function shortScope(labels: [string, string][]): string {
  return labels
    .map(([k, v]) => {
      if (k !== 'page') return v;
      const parts = v.replace(/^\/?pages\//, '').split('/');
      const last = parts[parts.length - 1];
      if (parts.length > 1 && (last === 'index' || last === parts[parts.length - 2])) parts.pop();
      return parts.join('/');
    })
    .join(' ');
}

function conditionText(notice: AlertNotice, lang: Lang): string {
  const w = words(lang);
  if (notice.severity === 'detected') return w.detected;
  if (notice.direction === 'below') return w.below;
  if (notice.direction === 'above') return w.above;
  return '';
}

function thresholdPhrase(notice: AlertNotice): string {
  if (notice.threshold === undefined) return '';
  const op = notice.direction === 'below' ? '<' : '>';
  return `${op} ${formatValue(notice.threshold, notice.unit)}`;
}

export function linkLines(links: NotificationMessage['links'], lang: Lang): string[] {
  const w = words(lang);
  const out: string[] = [];
  if (links.ack) out.push(`${w.ack}：${links.ack}`);
  if (links.console) out.push(`${w.console}：${links.console}`);
  return out;
}

/** Markdown links line for channels without buttons (and for mention messages). */
export function markdownLinks(links: NotificationMessage['links'], lang: Lang): string {
  const w = words(lang);
  const parts: string[] = [];
  if (links.ack) parts.push(`[${w.ack}](${links.ack})`);
  if (links.console) parts.push(`[${w.console}](${links.console})`);
  return parts.join(' | ');
}

function renderHtml(heading: string, facts: Fact[], links: NotificationMessage['links'], lang: Lang): string {
  const w = words(lang);
  const rows = facts
    .map((f) => `<tr><th align="left" style="padding:4px 12px 4px 0">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`)
    .join('');
  const buttons: string[] = [];
  if (links.ack) buttons.push(`<a href="${escapeHtml(links.ack)}" style="margin-right:16px">${escapeHtml(w.ack)}</a>`);
  if (links.console) buttons.push(`<a href="${escapeHtml(links.console)}">${escapeHtml(w.console)}</a>`);
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(heading)}</title></head>` +
    `<body><h2>${escapeHtml(heading)}</h2><table>${rows}</table><p>${buttons.join('')}</p></body></html>`
  );
}
