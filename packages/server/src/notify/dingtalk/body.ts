/**
 * DingTalk message bodies. A mention rings only when the mobile is in `at.atMobiles` AND
 * `@<mobile>` is in the text, and only text/markdown messages support `at` — so a message that
 * must ring is markdown with inline links; otherwise an actionCard with an acknowledge button.
 */
import { words } from '../template/i18n.js';
import { markdownLinks } from '../template/render.js';
import type { NotificationMessage, TargetMap } from '../types.js';

export type BodyPlan = { build: (text: string) => string; text: string };

/** DingTalk wants the 11-digit mainland number, without +86. */
export function dingTalkMobile(phone: string): string {
  return phone.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
}

export function planDingTalkBody(message: NotificationMessage, target: TargetMap['dingtalk']): BodyPlan {
  const w = words(message.lang);
  const mobiles = [...new Set((target.mentionMobiles ?? []).map(dingTalkMobile))];
  const atAll = target.atAll === true;
  const links = markdownLinks(message.links, message.lang);

  if (mobiles.length > 0 || atAll || (!message.links.ack && !message.links.console)) {
    const mentionLine = mobiles.map((m) => `@${m}`).join(' ');
    const build = (text: string): string =>
      JSON.stringify({
        msgtype: 'markdown',
        markdown: { title: message.title, text: [text, links, mentionLine].filter((s) => s !== '').join('\n\n') },
        at: { atMobiles: mobiles, atUserIds: [], isAtAll: atAll },
      });
    return { build, text: message.markdown };
  }

  const btns: Array<{ title: string; actionURL: string }> = [];
  if (message.links.ack) btns.push({ title: w.ack, actionURL: message.links.ack });
  if (message.links.console) btns.push({ title: w.console, actionURL: message.links.console });
  const build = (text: string): string =>
    JSON.stringify({
      msgtype: 'actionCard',
      actionCard: { title: message.title, text, btnOrientation: '1', btns },
    });
  return { build, text: message.markdown };
}
