/**
 * Feishu custom bot signing: HMAC-SHA256 keyed with `timestamp + "\n" + secret` (timestamp in
 * seconds) over the EMPTY string, base64. `timestamp` and `sign` go in the JSON body.
 */
import { createHmac } from 'node:crypto';

export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}
