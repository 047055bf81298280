/**
 * The durable outbox dispatcher: at-least-once delivery of pages. Rows are claimed with a lease
 * (a process killed mid-delivery leaves a lease that expires, and the row is sent again, with the
 * same idempotency key); rows due together for the same group target are merged into one message
 * (group wait, and queue & merge under a robot's per-minute limit); failures are retried with
 * back-off or handed to the fallback channel; every outcome lands in the alert's timeline.
 *
 * A lease is only as good as its holder's speed: a dispatcher that waited past it may find its
 * rows reclaimed. Every write is fenced by the claim (`OutboxStore.update` refuses a superseded
 * claim), a batch that waited behind slow sends renews its leases before sending and drops the rows
 * it no longer holds, and an outcome whose write is refused is left to the new holder: no second
 * timeline record, no second fallback.
 */
import { fallbackDeliveries, shouldFallBack } from '../notify/fallback.js';
import { deliveryKey, sendDelivery } from '../notify/registry.js';
import { mergeMessages } from '../notify/template/digest.js';
import type { ChannelRegistry, ChannelType, Delivery, NotifyLogger, SendResult } from '../notify/types.js';
import type { Clock } from '../util/clock.js';
import type { OutboxRow, TimelineEntry } from './model.js';
import { backoffMs, type AlertingPolicy } from './policy.js';
import type { OutboxStore } from './ports.js';

export type DispatchDeps = {
  outbox: OutboxStore;
  registry: ChannelRegistry;
  policy: AlertingPolicy;
  clock: Clock;
  record: (entries: TimelineEntry[]) => Promise<void>;
  log?: NotifyLogger;
};

/** `lost`: rows whose lease another dispatcher took over before this one was done with them */
export type DispatchStats = { claimed: number; delivered: number; retried: number; failed: number; fallbacks: number; lost: number };

const MERGEABLE: ReadonlySet<ChannelType> = new Set(['dingtalk', 'wecom', 'feishu', 'email', 'webhook']);

export function rowId(pageKey: string, registry: ChannelRegistry, delivery: Delivery): string {
  return `${pageKey}|${delivery.channel}|${deliveryKey(registry, delivery)}`;
}

/** One delivery standing for several rows: the union of their mentions / recipients. */
function mergeDelivery(ds: Delivery[]): Delivery {
  const first = ds[0];
  if (!first) throw new RangeError('nothing to merge');
  const union = (xs: Array<string[] | undefined>): string[] => [...new Set(xs.flatMap((x) => x ?? []))];
  switch (first.channel) {
    case 'dingtalk': {
      const all = ds.filter((d): d is Extract<Delivery, { channel: 'dingtalk' }> => d.channel === 'dingtalk');
      const mobiles = union(all.map((d) => d.target.mentionMobiles));
      return { channel: 'dingtalk', target: { robotGroup: first.target.robotGroup, ...(mobiles.length ? { mentionMobiles: mobiles } : {}) } };
    }
    case 'wecom': {
      const all = ds.filter((d): d is Extract<Delivery, { channel: 'wecom' }> => d.channel === 'wecom');
      const mobiles = union(all.map((d) => d.target.mentionMobiles));
      return { channel: 'wecom', target: { robot: first.target.robot, ...(mobiles.length ? { mentionMobiles: mobiles } : {}) } };
    }
    case 'feishu': {
      const all = ds.filter((d): d is Extract<Delivery, { channel: 'feishu' }> => d.channel === 'feishu');
      const ids = union(all.map((d) => d.target.mentionOpenIds));
      return { channel: 'feishu', target: { bot: first.target.bot, ...(ids.length ? { mentionOpenIds: ids } : {}) } };
    }
    case 'email': {
      const all = ds.filter((d): d is Extract<Delivery, { channel: 'email' }> => d.channel === 'email');
      return { channel: 'email', target: { to: union(all.map((d) => d.target.to)) } };
    }
    default:
      return first;
  }
}

/** Groups claimed rows: mergeable channels by target key, the others one by one. */
function batches(rows: OutboxRow[]): OutboxRow[][] {
  const groups = new Map<string, OutboxRow[]>();
  const out: OutboxRow[][] = [];
  for (const r of rows) {
    if (!MERGEABLE.has(r.delivery.channel)) {
      out.push([r]);
      continue;
    }
    const key = `${r.delivery.channel}|${r.mergeKey}|${r.message.kind === 'resolved' ? 'resolved' : 'page'}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...out, ...groups.values()];
}

export async function dispatchDue(deps: DispatchDeps, opts: { leaseMs?: number; limit?: number } = {}): Promise<DispatchStats> {
  const stats: DispatchStats = { claimed: 0, delivered: 0, retried: 0, failed: 0, fallbacks: 0, lost: 0 };
  const leaseMs = opts.leaseMs ?? 30_000;
  const rows = await deps.outbox.claimDue(deps.clock.now(), leaseMs, opts.limit ?? 200);
  stats.claimed = rows.length;
  for (const claimed of batches(rows)) {
    const batch = await stillHeld(deps, claimed, leaseMs, stats);
    const first = batch[0];
    if (!first) continue;
    const message = batch.length === 1 ? first.message : mergeMessages(batch.map((r) => r.message));
    const delivery = batch.length === 1 ? first.delivery : mergeDelivery(batch.map((r) => r.delivery));
    const idempotencyKey = batch.length === 1 ? first.id : `${first.id}+${batch.length - 1}`;
    const result = await sendDelivery(deps.registry, delivery, message, {
      now: () => deps.clock.now(),
      idempotencyKey,
      ...(deps.log ? { log: deps.log } : {}),
    });
    for (const row of batch) await settle(deps, row, result, batch.length, stats);
  }
  return stats;
}

function leaseLost(deps: DispatchDeps, row: OutboxRow, stats: DispatchStats): void {
  stats.lost++;
  deps.log?.warn({ row: row.id, attempt: row.attempts }, 'outbox lease lost: another dispatcher holds this row now');
}

/**
 * The rows of a batch this dispatcher still holds. A lease with less than half its length left
 * (the batch waited behind slow sends) is renewed first, so the send cannot outlive it unnoticed;
 * a row whose renewal is refused was reclaimed and is not sent again from here.
 */
async function stillHeld(deps: DispatchDeps, rows: OutboxRow[], leaseMs: number, stats: DispatchStats): Promise<OutboxRow[]> {
  const now = deps.clock.now();
  const held: OutboxRow[] = [];
  for (const row of rows) {
    if (row.leaseUntil !== null && row.leaseUntil - now > leaseMs / 2) {
      held.push(row);
      continue;
    }
    const renewed = { ...row, leaseUntil: now + leaseMs, updatedAt: now };
    if (await deps.outbox.update(renewed)) held.push(renewed);
    else leaseLost(deps, row, stats);
  }
  return held;
}

async function settle(deps: DispatchDeps, row: OutboxRow, result: SendResult, merged: number, stats: DispatchStats): Promise<void> {
  const now = deps.clock.now();
  const base = { alertId: row.alertId, at: now };
  const what = { channel: row.delivery.channel, target: deliveryKey(deps.registry, row.delivery), attempt: row.attempts, ...(merged > 1 ? { mergedWith: merged - 1 } : {}) };
  if (result.ok) {
    if (!(await deps.outbox.update({ ...row, status: 'delivered', leaseUntil: null, updatedAt: now, ...(result.providerId ? { providerId: result.providerId } : {}) }))) {
      return leaseLost(deps, row, stats);
    }
    stats.delivered++;
    await deps.record([{ ...base, kind: 'delivered', detail: what }]);
    return;
  }
  const level = deps.policy.levels[row.level];
  const giveUp = shouldFallBack(result, level.patienceMs) || row.attempts >= deps.policy.retry.maxAttempts;
  const error = result.code ? `${result.code}: ${result.error}` : result.error;
  if (!giveUp) {
    const wait = backoffMs(deps.policy, row.attempts, result.retryAfterMs);
    if (!(await deps.outbox.update({ ...row, status: 'pending', leaseUntil: null, notBefore: now + wait, updatedAt: now, lastError: error }))) {
      return leaseLost(deps, row, stats);
    }
    stats.retried++;
    await deps.record([{ ...base, kind: 'delivery_failed', detail: { ...what, error, retryInMs: wait } }]);
    return;
  }
  if (!(await deps.outbox.update({ ...row, status: 'failed', leaseUntil: null, updatedAt: now, lastError: error }))) return leaseLost(deps, row, stats);
  stats.failed++;
  const entries: TimelineEntry[] = [{ ...base, kind: 'delivery_failed', detail: { ...what, error, final: true } }];
  const fallbacks = result.code === 'PRIVACY_REFUSED' ? [] : fallbackDeliveries(row.delivery);
  if (fallbacks.length > 0) {
    const fresh = await deps.outbox.enqueue(
      fallbacks.map((d) => ({
        id: rowId(row.pageKey, deps.registry, d),
        alertId: row.alertId,
        pageKey: row.pageKey,
        level: row.level,
        delivery: d,
        message: row.message,
        mergeKey: deliveryKey(deps.registry, d),
        status: 'pending',
        attempts: 0,
        notBefore: now,
        leaseUntil: null,
        createdAt: now,
        updatedAt: now,
        fallbackOf: row.id,
      })),
    );
    stats.fallbacks += fresh;
    entries.push({ ...base, kind: 'fallback', detail: { from: row.delivery.channel, to: fallbacks.map((d) => d.channel), new: fresh } });
  }
  await deps.record(entries);
}
