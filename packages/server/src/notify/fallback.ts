/**
 * Fallback rules as data: when a channel cannot deliver (budget spent, provider refusing, voice
 * call failed, or the wait for a slot is longer than the alert can afford), the same message goes
 * over another channel to the people behind the target — DingTalk/WeCom mentions → SMS to those
 * mobiles; a failed voice call → SMS to the same number.
 */
import type { ChannelType, Delivery, SendFailure, TargetMap } from './types.js';

type Rule<K extends ChannelType> = (target: TargetMap[K]) => Delivery[];
const toSms = (phones: string[] | undefined): Delivery[] => [...new Set(phones ?? [])].map((phone) => ({ channel: 'sms', target: { phone } }));

export const FALLBACKS: { [K in ChannelType]?: Rule<K> } = {
  dingtalk: (t) => toSms(t.mentionMobiles),
  wecom: (t) => toSms(t.mentionMobiles),
  voice: (t) => toSms([t.phone]),
};

function apply<K extends ChannelType>(d: { channel: K; target: TargetMap[K] }): Delivery[] {
  const rule: Rule<K> | undefined = FALLBACKS[d.channel];
  return rule ? rule(d.target) : [];
}

/** The deliveries to make instead of a failed one (empty when there is no fallback). */
export function fallbackDeliveries(delivery: Delivery): Delivery[] {
  return apply(delivery);
}

/**
 * Whether a failure should go to the fallback now rather than wait: not retryable, budget or
 * quota spent, or the provider's wait longer than `maxWaitMs` (the alert's patience, e.g. a P0
 * cannot wait ten minutes for a throttled robot). A message refused for privacy never falls back.
 */
export function shouldFallBack(result: SendFailure, maxWaitMs: number): boolean {
  if (result.code === 'PRIVACY_REFUSED') return false;
  if (!result.retryable) return true;
  if (result.code === 'QUOTA_EXHAUSTED') return true;
  return (result.retryAfterMs ?? 0) > maxWaitMs;
}
