/**
 * The notification channel port. Every channel (DingTalk, WeCom, Feishu, e-mail, SMS, voice,
 * webhook) implements `Channel` and is registered in a `ChannelRegistry` map, so adding a channel
 * is a new entry, never an edit to a switch. Channels return a result code instead of throwing
 * (OpenTelemetry exporters' style): the caller — the outbox — decides on retry and fallback.
 */
export type Level = 'P0' | 'P1' | 'P2' | 'P3';
export type Lang = 'zh-CN' | 'en';

/** A rendered, channel-neutral message. Contains no personal or health data (checked on send). */
export interface NotificationMessage {
  kind: 'firing' | 'resolved' | 'reminder' | 'escalation' | 'digest' | 'test';
  level: Level;
  lang: Lang;
  /** one line, plain text: e-mail subject, card title */
  title: string;
  /** body as markdown (DingTalk, WeCom, Feishu lark_md), without the action links */
  markdown: string;
  /** body as plain text, links included */
  text: string;
  /** body as an HTML document (e-mail), links included */
  html: string;
  /** short values for SMS and voice templates, in template order */
  params: string[];
  links: { console?: string; ack?: string };
  /** how many alerts the message stands for (more than one for a merged digest) */
  count?: number;
}

/**
 * Where a message goes. Targets name configured endpoints (robot group, bot, webhook endpoint) so
 * that secrets stay in the channel config and never in the outbox or the logs.
 */
export interface TargetMap {
  dingtalk: { robotGroup: string; mentionMobiles?: string[]; atAll?: boolean };
  wecom: { robot: string; mentionMobiles?: string[] };
  feishu: { bot: string; mentionOpenIds?: string[]; atAll?: boolean };
  email: { to: string[] };
  sms: { phone: string };
  voice: { phone: string };
  webhook: { endpoint: string };
}
export type ChannelType = keyof TargetMap;
export const CHANNEL_TYPES: readonly ChannelType[] = ['dingtalk', 'wecom', 'feishu', 'email', 'sms', 'voice', 'webhook'];

/** A delivery: one message to one target over one channel (a correlated union). */
export type Delivery = { [K in ChannelType]: { channel: K; target: TargetMap[K] } }[ChannelType];

/** Minimal pino-compatible logger. Never pass secrets, URLs with tokens or phone numbers. */
export interface NotifyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SendContext {
  now(): number;
  signal?: AbortSignal;
  /** stable across retries of the same delivery; sent where the provider can use it */
  idempotencyKey?: string;
  log?: NotifyLogger;
}

/** Our normalised failure codes; `providerCode` keeps the provider's own (errcode, Error.Code). */
export type FailureCode =
  | 'NOT_CONFIGURED'
  | 'INVALID_TARGET'
  | 'PRIVACY_REFUSED'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'HTTP_ERROR'
  | 'BAD_RESPONSE'
  | 'AUTH'
  | 'THROTTLED'
  | 'TOO_LARGE'
  | 'RATE_LIMITED'
  | 'QUOTA_EXHAUSTED'
  | 'REJECTED'
  | 'PROVIDER_ERROR';

export type SendFailure = {
  ok: false;
  retryable: boolean;
  error: string;
  code?: FailureCode;
  providerCode?: string;
  /** earliest time worth retrying, relative to now */
  retryAfterMs?: number;
};
export type SendResult = { ok: true; providerId?: string } | SendFailure;

export interface Channel<K extends ChannelType = ChannelType> {
  readonly type: K;
  send(message: NotificationMessage, target: TargetMap[K], ctx: SendContext): Promise<SendResult>;
  /** a stable key for budgets and merging; never contains secrets */
  targetKey(target: TargetMap[K]): string;
}

export type ChannelRegistry = { [K in ChannelType]: Channel<K> };

export function failure(
  code: FailureCode,
  error: string,
  retryable: boolean,
  extra: { providerCode?: string; retryAfterMs?: number } = {},
): SendFailure {
  return { ok: false, retryable, error, code, ...extra };
}
