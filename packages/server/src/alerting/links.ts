/**
 * Signed acknowledge links for DingTalk and e-mail: `…/ack/<alertId>?t=<exp>.<sig>` where sig is
 * base64url HMAC-SHA256 over `ack:<alertId>:<exp>`. Base64url keeps long digit runs out of the
 * token, so the privacy guard never mistakes it for a phone or card number.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function ackToken(secret: string, alertId: string, expiresAt: number): string {
  const exp = Math.floor(expiresAt / 1000).toString(36);
  const sig = createHmac('sha256', secret).update(`ack:${alertId}:${exp}`).digest('base64url');
  return `${exp}.${sig}`;
}

export function verifyAckToken(secret: string, alertId: string, token: string, now: number): boolean {
  const [exp, sig] = token.split('.');
  if (!exp || !sig || !/^[0-9a-z]+$/.test(exp)) return false;
  if (parseInt(exp, 36) * 1000 < now) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`ack:${alertId}:${exp}`).digest('base64url'));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function alertLinks(publicUrl: string, secret: string, alertId: string, expiresAt: number): { console: string; ack: string } {
  const base = publicUrl.replace(/\/+$/, '');
  return { console: `${base}/alerts/${alertId}`, ack: `${base}/ack/${alertId}?t=${ackToken(secret, alertId, expiresAt)}` };
}
