/**
 * A sliding-window rate limiter per key (a robot, a phone number), on the caller's clock. Used to
 * stay under providers' limits (DingTalk and WeCom robots: 20 messages a minute) rather than be
 * throttled by them, and to spread messages over several robots of one group.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = this.hits.get(key) ?? [];
    let drop = 0;
    while (drop < list.length && (list[drop] ?? 0) <= now - this.windowMs) drop++;
    const kept = drop > 0 ? list.slice(drop) : list;
    if (kept.length === 0) this.hits.delete(key);
    else this.hits.set(key, kept);
    return kept;
  }

  /** free slots now (0 while blocked) */
  remaining(key: string, now: number): number {
    if ((this.blockedUntil.get(key) ?? 0) > now) return 0;
    return Math.max(0, this.limit - this.recent(key, now).length);
  }

  /** takes a slot when one is free; synchronous, so concurrent senders cannot overshoot */
  tryTake(key: string, now: number): boolean {
    if (this.remaining(key, now) <= 0) return false;
    const list = this.hits.get(key) ?? [];
    list.push(now);
    this.hits.set(key, list);
    return true;
  }

  /** ms until a slot is free (0 when one is free now) */
  waitMs(key: string, now: number): number {
    const blocked = (this.blockedUntil.get(key) ?? 0) - now;
    const list = this.recent(key, now);
    let wait = 0;
    if (list.length >= this.limit) {
      const oldest = list[list.length - this.limit] ?? now;
      wait = oldest + this.windowMs - now;
    }
    return Math.max(0, blocked, wait);
  }

  /** the provider throttled this key: no slot until `until` */
  block(key: string, until: number): void {
    this.blockedUntil.set(key, Math.max(until, this.blockedUntil.get(key) ?? 0));
  }
}

/** Picks the key with the most free slots (ties: first listed) or tells how long to wait. */
export function pickKey(
  limiter: SlidingWindowLimiter,
  keys: string[],
  now: number,
  exclude: ReadonlySet<string> = new Set(),
): { key: string } | { waitMs: number } {
  let best: string | undefined;
  let bestFree = 0;
  let wait = Number.POSITIVE_INFINITY;
  for (const key of keys) {
    if (exclude.has(key)) continue;
    const free = limiter.remaining(key, now);
    if (free > bestFree) {
      best = key;
      bestFree = free;
    }
    wait = Math.min(wait, limiter.waitMs(key, now));
  }
  if (best !== undefined && limiter.tryTake(best, now)) return { key: best };
  return { waitMs: Number.isFinite(wait) ? Math.max(1, wait) : 60_000 };
}
