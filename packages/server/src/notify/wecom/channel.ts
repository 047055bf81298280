/**
 * WeCom (企业微信) group robot channel: `POST …/cgi-bin/webhook/send?key=…`, no signature (the key
 * is the secret). A message that must ring is a text message with `mentioned_mobile_list`
 * (content ≤ 2,048 bytes); otherwise markdown (≤ 4,096 bytes) with inline links. 20 messages a
 * minute per robot, kept locally. Failures come back as errcode ≠ 0.
 */
import { httpStatusFailure, isFailure, postJson, readObject } from '../http.js';
import { SlidingWindowLimiter } from '../limiter.js';
import { truncateUtf8, utf8Bytes } from '../text.js';
import { words } from '../template/i18n.js';
import { markdownLinks } from '../template/render.js';
import { failure, type Channel, type FailureCode, type NotificationMessage, type SendResult } from '../types.js';

export interface WeComConfig {
  /** robot name → webhook URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…) */
  robots: Record<string, { webhook: string }>;
  perRobotPerMinute?: number;
  timeoutMs?: number;
}

const TEXT_MAX = 2048;
const MARKDOWN_MAX = 4096;
const LEVEL_COLOR = { P0: 'warning', P1: 'warning', P2: 'comment', P3: 'info' } as const;

const ERRCODES: Record<number, { code: FailureCode; retryable: boolean }> = {
  93000: { code: 'AUTH', retryable: false }, // invalid webhook url (key)
  45009: { code: 'THROTTLED', retryable: true },
  40058: { code: 'TOO_LARGE', retryable: false },
  [-1]: { code: 'PROVIDER_ERROR', retryable: true },
};

export function fitUtf8(content: string, max: number, suffix: string): string {
  return utf8Bytes(content) <= max ? content : truncateUtf8(content, max - utf8Bytes(suffix)) + suffix;
}

export function weComBody(message: NotificationMessage, mobiles: string[]): string {
  const suffix = words(message.lang).truncated;
  if (mobiles.length > 0) {
    return JSON.stringify({
      msgtype: 'text',
      text: { content: fitUtf8(message.text, TEXT_MAX, suffix), mentioned_mobile_list: mobiles },
    });
  }
  const head = `<font color="${LEVEL_COLOR[message.level]}">**${message.title}**</font>\n`;
  const links = markdownLinks(message.links, message.lang);
  const tail = links ? `\n\n${links}` : '';
  const room = MARKDOWN_MAX - utf8Bytes(head) - utf8Bytes(tail);
  return JSON.stringify({ msgtype: 'markdown', markdown: { content: head + fitUtf8(message.markdown, room, suffix) + tail } });
}

export function createWeComChannel(config: WeComConfig): Channel<'wecom'> {
  const limiter = new SlidingWindowLimiter(config.perRobotPerMinute ?? 20, 60_000);
  const timeoutMs = config.timeoutMs ?? 5_000;
  return {
    type: 'wecom',
    targetKey: (target) => `wecom:${target.robot}`,
    async send(message, target, ctx): Promise<SendResult> {
      const robot = config.robots[target.robot];
      if (!robot) return failure('NOT_CONFIGURED', `no WeCom robot '${target.robot}'`, false);
      const mobiles = [...new Set((target.mentionMobiles ?? []).map((m) => m.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '')))];
      const now = ctx.now();
      if (!limiter.tryTake(target.robot, now)) {
        return failure('THROTTLED', `WeCom robot '${target.robot}' at its per-minute limit`, true, {
          retryAfterMs: Math.max(1, limiter.waitMs(target.robot, now)),
        });
      }
      const answer = await postJson(robot.webhook, weComBody(message, mobiles), {
        timeoutMs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (isFailure(answer)) return answer;
      if (answer.status !== 200) return httpStatusFailure(answer.status, 'WeCom');
      const body = readObject(answer.json);
      const errcode = typeof body?.errcode === 'number' ? body.errcode : undefined;
      if (errcode === 0) return { ok: true };
      if (errcode === undefined) return failure('BAD_RESPONSE', 'WeCom answer without errcode', true);
      const info = ERRCODES[errcode] ?? { code: 'PROVIDER_ERROR', retryable: false };
      if (errcode === 45009) limiter.block(target.robot, ctx.now() + 60_000);
      ctx.log?.warn({ channel: 'wecom', robot: target.robot, errcode }, 'WeCom refused the message');
      const errmsg = typeof body?.errmsg === 'string' ? body.errmsg.slice(0, 200) : '';
      return failure(info.code, `WeCom robot ${target.robot}: errcode ${errcode} ${errmsg}`.trim(), info.retryable, {
        providerCode: String(errcode),
        ...(errcode === 45009 ? { retryAfterMs: 60_000 } : {}),
      });
    },
  };
}
