/**
 * Merges several messages for the same target into one digest: used when a robot's per-minute
 * budget is spent (queue & merge) and for flapping alerts. The digest keeps every alert's links.
 */
import type { Level, NotificationMessage } from '../types.js';
import { escapeHtml } from './format.js';
import { words } from './i18n.js';
import { markdownLinks, PARAM } from './render.js';

const RANK: Record<Level, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };

export function highestLevel(levels: Level[]): Level {
  return levels.reduce<Level>((best, l) => (RANK[l] < RANK[best] ? l : best), 'P3');
}

export function mergeMessages(messages: NotificationMessage[]): NotificationMessage {
  const first = messages[0];
  if (first === undefined) throw new RangeError('mergeMessages needs at least one message');
  if (messages.length === 1) return first;
  const lang = first.lang;
  const w = words(lang);
  // most urgent first, then in arrival order
  const sorted = messages.map((m, i) => ({ m, i })).sort((a, b) => RANK[a.m.level] - RANK[b.m.level] || a.i - b.i).map((x) => x.m);
  const top = sorted[0] ?? first;
  const count = messages.reduce((n, m) => n + (m.count ?? 1), 0);
  const level = top.level;
  const heading = `${level} ${w.kind.digest}：${w.digestTitle(count)}`;
  const markdown = [
    `### ${heading}`,
    ...sorted.map((m) => {
      const links = markdownLinks(m.links, lang);
      return links ? `${m.markdown}\n\n${links}` : m.markdown;
    }),
  ].join('\n\n---\n\n');
  const text = [heading, ...sorted.map((m) => m.text)].join('\n\n----\n\n');
  const html =
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(heading)}</title></head><body>` +
    `<h2>${escapeHtml(heading)}</h2>` +
    sorted.map((m) => `<section>${bodyOf(m.html)}</section>`).join('<hr>') +
    `</body></html>`;
  const params = [...top.params];
  const metricIndex = PARAM.metric;
  if (params[metricIndex] !== undefined) params[metricIndex] = `${params[metricIndex]} ${w.andMore(count)}`;
  const links: NotificationMessage['links'] = top.links.console !== undefined ? { console: top.links.console } : {};
  return { kind: 'digest', level, lang, title: `[${level} ${w.kind.digest}] ${w.digestTitle(count)}`, markdown, text, html, params, links, count };
}

function bodyOf(html: string): string {
  const m = /<body>([\s\S]*)<\/body>/.exec(html);
  return m?.[1] ?? escapeHtml(html);
}
