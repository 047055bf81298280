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

/** How long ledger entries are kept: longer than the longest budget window (a calendar month). */
export const LEDGER_KEEP_MS = 62 * 86_400_000;
/** How often (in ledger time) a durable ledger drops the entries older than LEDGER_KEEP_MS. */
export const LEDGER_PRUNE_EVERY_MS = 3_600_000;

export interface BudgetLedger {
  /** number of entries for key at or after `since`, and the earliest of them */
  window(key: string, since: number): Promise<{ count: number; earliest?: number }>;
  record(key: string, at: number): Promise<void>;
  /**
   * In one atomic step: when fewer than `limit` entries for key are at or after `since`, records
   * one at `at` and returns true; otherwise records nothing and returns false. Concurrent callers
   * (in this process or another one on the same storage) never admit more than `limit`.
   */
  admit(key: string, since: number, limit: number, at: number): Promise<boolean>;
  /** removes one entry for key recorded at `at` (a reservation given back) */
  release(key: string, at: number): Promise<void>;
  /** removes the entries older than `before`; returns how many went */
  prune(before: number): Promise<number>;
}

export class InMemoryBudgetLedger implements BudgetLedger {
  private readonly entries = new Map<string, number[]>();
  async window(key: string, since: number): Promise<{ count: number; earliest?: number }> {
    const list = (this.entries.get(key) ?? []).filter((t) => t >= since);
    return list.length > 0 ? { count: list.length, earliest: Math.min(...list) } : { count: 0 };
  }
  private push(key: string, at: number): void {
    const list = this.entries.get(key) ?? [];
    list.push(at);
    this.entries.set(key, list.filter((t) => t >= at - LEDGER_KEEP_MS));
  }
  async record(key: string, at: number): Promise<void> {
    this.push(key, at);
  }
  async admit(key: string, since: number, limit: number, at: number): Promise<boolean> {
    // no await between the count and the record: atomic on the one JavaScript thread
    if ((this.entries.get(key) ?? []).filter((t) => t >= since).length >= limit) return false;
    this.push(key, at);
    return true;
  }
  async release(key: string, at: number): Promise<void> {
    const list = this.entries.get(key) ?? [];
    const i = list.indexOf(at);
    if (i >= 0) list.splice(i, 1);
  }
  async prune(before: number): Promise<number> {
    let n = 0;
    for (const [key, list] of this.entries) {
      const kept = list.filter((t) => t >= before);
      n += list.length - kept.length;
      if (kept.length > 0) this.entries.set(key, kept);
      else this.entries.delete(key);
    }
    return n;
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
 * toward the rate, successful sends toward the quota (providers bill those). Both are admitted
 * atomically by the ledger before the provider is called, so simultaneous sends cannot overshoot:
 * the quota slot is reserved first and given back when the send fails or the rate refuses it.
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
      const month = shanghaiMonth(now);
      const { perMinute, perMonth } = limits;
      const reserved = perMonth !== undefined;
      if (reserved && !(await ledger.admit(`${key}|sent`, month.start, perMonth, now))) {
        return failure('QUOTA_EXHAUSTED', `${channel.type} monthly quota of ${perMonth} spent for this target`, false, { retryAfterMs: month.next - now });
      }
      if (perMinute !== undefined && !(await ledger.admit(`${key}|attempt`, now - 60_000 + 1, perMinute, now))) {
        if (reserved) await ledger.release(`${key}|sent`, now);
        const { earliest } = await ledger.window(`${key}|attempt`, now - 60_000 + 1);
        return failure('RATE_LIMITED', `${channel.type} limit of ${perMinute}/min reached for this target`, true, {
          retryAfterMs: Math.max(1, (earliest ?? now) + 60_000 - now),
        });
      }
      if (perMinute === undefined) await ledger.record(`${key}|attempt`, now);
      const result = await channel.send(message, target, ctx);
      if (!result.ok && reserved) await ledger.release(`${key}|sent`, now);
      return result;
    },
  };
}
