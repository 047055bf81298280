/**
 * Generic webhook signing: `X-MGOps-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`
 * with `X-MGOps-Timestamp` in unix seconds. Receivers recompute it over the raw body and reject
 * timestamps older than their tolerance (replay protection).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = {
  timestamp: 'x-mgops-timestamp',
  signature: 'x-mgops-signature',
  idempotencyKey: 'idempotency-key',
  event: 'x-mgops-event',
} as const;

export function webhookSignature(secret: string, timestampSec: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestampSec}.${body}`, 'utf8').digest('hex');
}

/** For receivers written in TypeScript: true when the signature matches and is fresh. */
export function verifyWebhookSignature(
  secret: string,
  timestampHeader: string,
  signatureHeader: string,
  body: string,
  nowMs: number,
  toleranceSec = 300,
): boolean {
  const ts = Number(timestampHeader);
  if (!Number.isInteger(ts) || Math.abs(nowMs / 1000 - ts) > toleranceSec) return false;
  const expected = Buffer.from(webhookSignature(secret, ts, body));
  const given = Buffer.from(signatureHeader);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
