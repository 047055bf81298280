/**
 * DingTalk custom robot signing ("加签"): HMAC-SHA256 keyed with the secret over
 * `timestamp + "\n" + secret`, base64. The timestamp is in milliseconds and must be within one
 * hour of DingTalk's clock. The caller URL-encodes the result as the `sign` query parameter.
 */
import { createHmac } from 'node:crypto';

export function dingTalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The webhook URL (which carries `access_token`) with `timestamp` and `sign` added. */
export function signedWebhookUrl(webhook: string, secret: string | undefined, timestampMs: number): string {
  const url = new URL(webhook);
  if (secret) {
    url.searchParams.set('timestamp', String(timestampMs));
    // URLSearchParams percent-encodes '+', '/' and '=' of the base64 signature
    url.searchParams.set('sign', dingTalkSign(secret, timestampMs));
  }
  return url.toString();
}
