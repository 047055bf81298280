/**
 * The channel registry: one entry per channel type, built from the config. Every entry is wrapped
 * by its budget and the privacy guard; an unconfigured channel is an entry that answers
 * NOT_CONFIGURED, so callers never branch on which channels exist.
 */
import { InMemoryBudgetLedger, withBudget, type BudgetLedger } from './budget.js';
import { DEFAULT_BUDGETS, type ChannelsConfig } from './config.js';
import { createDingTalkChannel } from './dingtalk/channel.js';
import { createEmailChannel } from './email/channel.js';
import { createFeishuChannel } from './feishu/channel.js';
import { guarded } from './guard.js';
import { createSmsChannel } from './tencent/sms.js';
import { createVoiceChannel } from './tencent/voice.js';
import { failure, type Channel, type ChannelRegistry, type ChannelType, type Delivery, type NotificationMessage, type SendContext, type SendResult, type TargetMap } from './types.js';
import { createWebhookChannel } from './webhook/channel.js';
import { createWeComChannel } from './wecom/channel.js';

type Factories = { [K in ChannelType]: (config: NonNullable<ChannelsConfig[K]>) => Channel<K> };

const FACTORIES: Factories = {
  dingtalk: createDingTalkChannel,
  wecom: createWeComChannel,
  feishu: createFeishuChannel,
  email: createEmailChannel,
  sms: createSmsChannel,
  voice: createVoiceChannel,
  webhook: createWebhookChannel,
};

export function notConfigured<K extends ChannelType>(type: K): Channel<K> {
  return {
    type,
    targetKey: () => `${type}:-`,
    send: async () => failure('NOT_CONFIGURED', `channel ${type} is not configured`, false),
  };
}

function build<K extends ChannelType>(type: K, config: ChannelsConfig, ledger: BudgetLedger): Channel<K> {
  const section = config[type] as ChannelsConfig[K];
  const raw: Channel<K> = section ? FACTORIES[type](section as NonNullable<ChannelsConfig[K]>) : notConfigured(type);
  const limits = config.budgets?.[type] ?? DEFAULT_BUDGETS[type];
  return guarded(limits ? withBudget(raw, () => limits, ledger) : raw);
}

export function createChannelRegistry(config: ChannelsConfig, opts: { ledger?: BudgetLedger } = {}): ChannelRegistry {
  const ledger = opts.ledger ?? new InMemoryBudgetLedger();
  return {
    dingtalk: build('dingtalk', config, ledger),
    wecom: build('wecom', config, ledger),
    feishu: build('feishu', config, ledger),
    email: build('email', config, ledger),
    sms: build('sms', config, ledger),
    voice: build('voice', config, ledger),
    webhook: build('webhook', config, ledger),
  };
}

function sendVia<K extends ChannelType>(registry: ChannelRegistry, d: { channel: K; target: TargetMap[K] }, message: NotificationMessage, ctx: SendContext): Promise<SendResult> {
  const channel: Channel<K> = registry[d.channel];
  return channel.send(message, d.target, ctx);
}

/** Sends one delivery through the registry (the correlated channel/target pair stays typed). */
export function sendDelivery(registry: ChannelRegistry, delivery: Delivery, message: NotificationMessage, ctx: SendContext): Promise<SendResult> {
  return sendVia(registry, delivery, message, ctx);
}

function keyVia<K extends ChannelType>(registry: ChannelRegistry, d: { channel: K; target: TargetMap[K] }): string {
  const channel: Channel<K> = registry[d.channel];
  return channel.targetKey(d.target);
}

/** Stable key of a delivery's target (budgets, merging); contains no secret. */
export function deliveryKey(registry: ChannelRegistry, delivery: Delivery): string {
  return keyVia(registry, delivery);
}
