/**
 * Feishu (飞书) custom bot channel: an interactive card with the alert as lark_md, mentions as
 * `<at id=…></at>`, and acknowledge / console buttons. Signed with `timestamp` (seconds) and `sign`
 * in the JSON body. Failures come back as `code` ≠ 0 (19021: bad signature or stale timestamp).
 */
import { httpStatusFailure, isFailure, postJson, readObject } from '../http.js';
import { fitBody } from '../text.js';
import { words } from '../template/i18n.js';
import { failure, type Channel, type FailureCode, type NotificationMessage, type SendResult, type TargetMap } from '../types.js';
import { feishuSign } from './sign.js';

export interface FeishuConfig {
  /** bot name → webhook (https://open.feishu.cn/open-apis/bot/v2/hook/…) and signing secret */
  bots: Record<string, { webhook: string; secret?: string }>;
  maxBodyBytes?: number;
  timeoutMs?: number;
}

const CODES: Record<number, { code: FailureCode; retryable: boolean }> = {
  19021: { code: 'AUTH', retryable: false }, // sign match fail or timestamp not within one hour
  19001: { code: 'AUTH', retryable: false }, // webhook token invalid
  19024: { code: 'REJECTED', retryable: false }, // keyword / IP check failed
  11232: { code: 'THROTTLED', retryable: true }, // frequency limited
  9499: { code: 'REJECTED', retryable: false }, // bad request
};
const TEMPLATE = { P0: 'red', P1: 'orange', P2: 'yellow', P3: 'blue' } as const;

/** lark_md has no headings: the card header carries the title, other headings become bold. */
function larkMarkdown(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line, i) => !(i === 0 && line.startsWith('### ')))
    .map((line) => (line.startsWith('### ') ? `**${line.slice(4)}**` : line))
    .join('\n');
}

export function feishuCard(message: NotificationMessage, target: TargetMap['feishu']): (text: string) => Record<string, unknown> {
  const w = words(message.lang);
  const mentions = [...(target.mentionOpenIds ?? []).map((id) => `<at id=${id}></at>`), ...(target.atAll ? ['<at id=all></at>'] : [])];
  const actions: unknown[] = [];
  if (message.links.ack) {
    actions.push({ tag: 'button', text: { tag: 'plain_text', content: w.ack }, type: 'primary', url: message.links.ack });
  }
  if (message.links.console) {
    actions.push({ tag: 'button', text: { tag: 'plain_text', content: w.console }, type: 'default', url: message.links.console });
  }
  return (text) => ({
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: message.title }, template: message.kind === 'resolved' ? 'green' : TEMPLATE[message.level] },
      elements: [
        { tag: 'div', text: { tag: 'lark_md', content: mentions.length > 0 ? `${text}\n${mentions.join(' ')}` : text } },
        ...(actions.length > 0 ? [{ tag: 'action', actions }] : []),
      ],
    },
  });
}

export function createFeishuChannel(config: FeishuConfig): Channel<'feishu'> {
  const limit = config.maxBodyBytes ?? 20_000;
  const timeoutMs = config.timeoutMs ?? 5_000;
  return {
    type: 'feishu',
    targetKey: (target) => `feishu:${target.bot}`,
    async send(message, target, ctx): Promise<SendResult> {
      const bot = config.bots[target.bot];
      if (!bot) return failure('NOT_CONFIGURED', `no Feishu bot '${target.bot}'`, false);
      const timestamp = Math.floor(ctx.now() / 1000);
      const signing = bot.secret ? { timestamp: String(timestamp), sign: feishuSign(bot.secret, timestamp) } : {};
      const card = feishuCard(message, target);
      const fitted = fitBody((text) => JSON.stringify({ ...signing, ...card(text) }), larkMarkdown(message.markdown), limit, words(message.lang).truncated);
      if (!fitted) return failure('TOO_LARGE', `Feishu body cannot fit in ${limit} bytes`, false);
      const answer = await postJson(bot.webhook, fitted.body, { timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      if (isFailure(answer)) return answer;
      const body = readObject(answer.json);
      const code = typeof body?.code === 'number' ? body.code : typeof body?.StatusCode === 'number' ? body.StatusCode : undefined;
      if (answer.status === 200 && code === 0) return { ok: true };
      if (code === undefined) {
        return answer.status !== 200 ? httpStatusFailure(answer.status, 'Feishu') : failure('BAD_RESPONSE', 'Feishu answer without code', true);
      }
      const info = CODES[code] ?? { code: 'PROVIDER_ERROR', retryable: answer.status >= 500 };
      const msg = typeof body?.msg === 'string' ? body.msg.slice(0, 200) : '';
      ctx.log?.warn({ channel: 'feishu', bot: target.bot, code }, 'Feishu refused the message');
      return failure(info.code, `Feishu bot ${target.bot}: code ${code} ${msg}`.trim(), info.retryable, {
        providerCode: String(code),
        ...(code === 11232 ? { retryAfterMs: 60_000 } : {}),
      });
    },
  };
}
