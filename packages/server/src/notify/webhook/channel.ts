/**
 * Generic signed webhook: a JSON POST of the rendered message, signed (see sign.ts), with an
 * `Idempotency-Key` that stays the same across retries so the receiver can drop duplicates.
 * 2xx (and 409 "already have it") is success; 408/429/5xx are retried; other 4xx are not.
 */
import { httpStatusFailure, isFailure, postJson, readObject } from '../http.js';
import { failure, type Channel, type SendResult } from '../types.js';
import { WEBHOOK_HEADERS, webhookSignature } from './sign.js';

export interface WebhookConfig {
  endpoints: Record<string, { url: string; secret: string; timeoutMs?: number }>;
}

export function createWebhookChannel(config: WebhookConfig): Channel<'webhook'> {
  return {
    type: 'webhook',
    targetKey: (target) => `webhook:${target.endpoint}`,
    async send(message, target, ctx): Promise<SendResult> {
      const endpoint = config.endpoints[target.endpoint];
      if (!endpoint) return failure('NOT_CONFIGURED', `no webhook endpoint '${target.endpoint}'`, false);
      const now = ctx.now();
      const body = JSON.stringify({
        version: 1,
        kind: message.kind,
        level: message.level,
        lang: message.lang,
        title: message.title,
        text: message.text,
        markdown: message.markdown,
        links: message.links,
        count: message.count ?? 1,
        sentAt: new Date(now).toISOString(),
        ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey } : {}),
      });
      const ts = Math.floor(now / 1000);
      const answer = await postJson(endpoint.url, body, {
        headers: {
          [WEBHOOK_HEADERS.timestamp]: String(ts),
          [WEBHOOK_HEADERS.signature]: webhookSignature(endpoint.secret, ts, body),
          [WEBHOOK_HEADERS.event]: message.kind,
          ...(ctx.idempotencyKey ? { [WEBHOOK_HEADERS.idempotencyKey]: ctx.idempotencyKey } : {}),
        },
        timeoutMs: endpoint.timeoutMs ?? 5_000,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (isFailure(answer)) return answer;
      if ((answer.status >= 200 && answer.status < 300) || answer.status === 409) {
        const id = readObject(answer.json)?.id;
        return typeof id === 'string' ? { ok: true, providerId: id } : { ok: true };
      }
      if (answer.status === 401 || answer.status === 403) {
        return failure('AUTH', `webhook ${target.endpoint} refused the signature (HTTP ${answer.status})`, false, { providerCode: String(answer.status) });
      }
      const retryAfter = Number(answer.headers.get('retry-after'));
      return httpStatusFailure(answer.status, `webhook ${target.endpoint}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    },
  };
}
