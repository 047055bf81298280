/**
 * Channel budgets per target: a per-minute rate and a monthly quota (calendar month in
 * Asia/Shanghai). A spent budget is a result code the caller can see and fall back on
 * (DingTalk → SMS; failed voice → SMS), never a silent drop. The ledger is a port: in memory
 * here, in storage for a server that must remember its SMS spend across restarts.
 */
import { failure, type Channel, type ChannelType, type SendResult, type TargetMap } from './types.js';

export interface BudgetLimits {
  perMinute?: number;
  perMonth?: number;
}

export interface BudgetLedger {
  /** number of entries for key at or after `since`, and the earliest of them */
  window(key: string, since: number): Promise<{ count: number; earliest?: number }>;
  record(key: string, at: number): Promise<void>;
}

export class InMemoryBudgetLedger implements BudgetLedger {
  private readonly entries = new Map<string, number[]>();
  async window(key: string, since: number): Promise<{ count: number; earliest?: number }> {
    const list = (this.entries.get(key) ?? []).filter((t) => t >= since);
    return list.length > 0 ? { count: list.length, earliest: Math.min(...list) } : { count: 0 };
  }
  async record(key: string, at: number): Promise<void> {
    const list = this.entries.get(key) ?? [];
    list.push(at);
    // keep about two months
    this.entries.set(key, list.filter((t) => t > at - 62 * 86_400_000));
  }
}

const SHANGHAI = 8 * 3_600_000;

/** First instant of the calendar month (Asia/Shanghai) that contains `ms`, and of the next one. */
export function shanghaiMonth(ms: number): { start: number; next: number } {
  const d = new Date(ms + SHANGHAI);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - SHANGHAI;
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - SHANGHAI;
  return { start, next };
}

export type BudgetState = {
  key: string;
  limits: BudgetLimits;
  usedMinute: number;
  usedMonth: number;
  exhausted: 'rate' | 'quota' | null;
  retryAfterMs?: number;
};

export async function budgetState(ledger: BudgetLedger, key: string, limits: BudgetLimits, now: number): Promise<BudgetState> {
  const minute = await ledger.window(`${key}|attempt`, now - 60_000 + 1);
  const month = shanghaiMonth(now);
  const sent = await ledger.window(`${key}|sent`, month.start);
  if (limits.perMonth !== undefined && sent.count >= limits.perMonth) {
    return { key, limits, usedMinute: minute.count, usedMonth: sent.count, exhausted: 'quota', retryAfterMs: month.next - now };
  }
  if (limits.perMinute !== undefined && minute.count >= limits.perMinute) {
    const retryAfterMs = Math.max(1, (minute.earliest ?? now) + 60_000 - now);
    return { key, limits, usedMinute: minute.count, usedMonth: sent.count, exhausted: 'rate', retryAfterMs };
  }
  return { key, limits, usedMinute: minute.count, usedMonth: sent.count, exhausted: null };
}

/**
 * Wraps a channel with its budget: a spent budget answers RATE_LIMITED (retryable, with the wait)
 * or QUOTA_EXHAUSTED (not retryable this month) without calling the provider. Attempts count
 * toward the rate, successful sends toward the quota (providers bill those).
 */
export function withBudget<K extends ChannelType>(
  channel: Channel<K>,
  limitsFor: (target: TargetMap[K]) => BudgetLimits | undefined,
  ledger: BudgetLedger,
): Channel<K> {
  return {
    type: channel.type,
    targetKey: (target) => channel.targetKey(target),
    async send(message, target, ctx): Promise<SendResult> {
      const limits = limitsFor(target);
      if (!limits || (limits.perMinute === undefined && limits.perMonth === undefined)) return channel.send(message, target, ctx);
      const key = channel.targetKey(target);
      const now = ctx.now();
      const state = await budgetState(ledger, key, limits, now);
      if (state.exhausted === 'quota') {
        return failure('QUOTA_EXHAUSTED', `${channel.type} monthly quota of ${limits.perMonth} spent for this target`, false, {
          ...(state.retryAfterMs !== undefined ? { retryAfterMs: state.retryAfterMs } : {}),
        });
      }
      if (state.exhausted === 'rate') {
        return failure('RATE_LIMITED', `${channel.type} limit of ${limits.perMinute}/min reached for this target`, true, {
          ...(state.retryAfterMs !== undefined ? { retryAfterMs: state.retryAfterMs } : {}),
        });
      }
      await ledger.record(`${key}|attempt`, now);
      const result = await channel.send(message, target, ctx);
      if (result.ok) await ledger.record(`${key}|sent`, ctx.now());
      return result;
    },
  };
}
