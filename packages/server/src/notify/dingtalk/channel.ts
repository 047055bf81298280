/**
 * DingTalk custom group robot channel. Several robots per group give headroom: each robot is kept
 * under its 20 messages/minute by a local sliding window, a throttled (130101) or mis-configured
 * robot is skipped, and when every robot is busy the channel answers THROTTLED with the time
 * until a slot frees, so the outbox can hold and merge messages. HTTP 200 with errcode ≠ 0 is a
 * failure.
 */
import { httpStatusFailure, isFailure, postJson, readObject } from '../http.js';
import { pickKey, SlidingWindowLimiter } from '../limiter.js';
import { fitBody } from '../text.js';
import { words } from '../template/i18n.js';
import { failure, type Channel, type FailureCode, type SendFailure, type SendResult } from '../types.js';
import { planDingTalkBody } from './body.js';
import { signedWebhookUrl } from './sign.js';

export interface DingTalkRobot {
  /** shown in logs instead of the token */
  name?: string;
  /** https://oapi.dingtalk.com/robot/send?access_token=… */
  webhook: string;
  /** the "加签" secret (SEC…) */
  secret?: string;
}

export interface DingTalkConfig {
  groups: Record<string, { robots: DingTalkRobot[] }>;
  perRobotPerMinute?: number;
  /** how long DingTalk throttles a robot that went over its limit */
  throttleMs?: number;
  maxBodyBytes?: number;
  timeoutMs?: number;
}

type ErrInfo = { code: FailureCode; retryable: boolean; robotSpecific: boolean };
const ERRCODES: Record<number, ErrInfo> = {
  310000: { code: 'AUTH', retryable: false, robotSpecific: true }, // sign / keyword / IP whitelist
  300001: { code: 'AUTH', retryable: false, robotSpecific: true }, // token does not exist
  400102: { code: 'REJECTED', retryable: false, robotSpecific: true }, // robot stopped
  130101: { code: 'THROTTLED', retryable: true, robotSpecific: true },
  460101: { code: 'TOO_LARGE', retryable: false, robotSpecific: false },
  [-1]: { code: 'PROVIDER_ERROR', retryable: true, robotSpecific: false }, // system busy
};

export function createDingTalkChannel(config: DingTalkConfig): Channel<'dingtalk'> {
  const throttleMs = config.throttleMs ?? 600_000;
  const limit = config.maxBodyBytes ?? 20_000;
  const timeoutMs = config.timeoutMs ?? 5_000;
  const limiter = new SlidingWindowLimiter(config.perRobotPerMinute ?? 20, 60_000);

  return {
    type: 'dingtalk',
    targetKey: (target) => `dingtalk:${target.robotGroup}`,
    async send(message, target, ctx): Promise<SendResult> {
      const group = config.groups[target.robotGroup];
      if (!group || group.robots.length === 0) {
        return failure('NOT_CONFIGURED', `no DingTalk robot group '${target.robotGroup}'`, false);
      }
      const plan = planDingTalkBody(message, target);
      const fitted = fitBody(plan.build, plan.text, limit, words(message.lang).truncated);
      if (!fitted) return failure('TOO_LARGE', `DingTalk body cannot fit in ${limit} bytes`, false);

      const keys = group.robots.map((_, i) => `${target.robotGroup}#${i}`);
      const tried = new Set<string>();
      /** robots that failed for a reason other than throttling (bad sign, unknown token…) */
      const bad = new Set<string>();
      let last: SendFailure | undefined;
      for (;;) {
        const now = ctx.now();
        const pick = pickKey(limiter, keys, now, tried);
        if ('waitMs' in pick) {
          const usable = keys.filter((k) => !bad.has(k));
          if (usable.length === 0 && last) return last;
          const wait = Math.min(...usable.map((k) => limiter.waitMs(k, now)));
          return failure('THROTTLED', `all ${keys.length} robot(s) of '${target.robotGroup}' at their per-minute limit`, true, {
            retryAfterMs: Math.max(1, wait),
          });
        }
        tried.add(pick.key);
        const index = keys.indexOf(pick.key);
        const robot = group.robots[index];
        if (!robot) continue;
        const robotName = robot.name ?? pick.key;
        const url = signedWebhookUrl(robot.webhook, robot.secret, now);
        const answer = await postJson(url, fitted.body, { timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
        if (isFailure(answer)) return answer;
        if (answer.status !== 200) return httpStatusFailure(answer.status, 'DingTalk');
        const body = readObject(answer.json);
        const errcode = typeof body?.errcode === 'number' ? body.errcode : undefined;
        if (errcode === 0) {
          if (fitted.truncated) ctx.log?.info({ channel: 'dingtalk', robot: robotName }, 'message truncated to fit');
          return { ok: true };
        }
        if (errcode === undefined) return failure('BAD_RESPONSE', 'DingTalk answer without errcode', true);
        const info = ERRCODES[errcode] ?? { code: 'PROVIDER_ERROR', retryable: false, robotSpecific: false };
        const errmsg = typeof body?.errmsg === 'string' ? body.errmsg.slice(0, 200) : '';
        last = failure(info.code, `DingTalk robot ${robotName}: errcode ${errcode} ${errmsg}`.trim(), info.retryable, {
          providerCode: String(errcode),
        });
        ctx.log?.warn({ channel: 'dingtalk', robot: robotName, errcode }, 'DingTalk refused the message');
        if (errcode === 130101) limiter.block(pick.key, ctx.now() + throttleMs);
        else bad.add(pick.key);
        if (!info.robotSpecific) return last;
      }
    },
  };
}
