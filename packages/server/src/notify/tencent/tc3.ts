/**
 * Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256, with node:crypto. The host in the
 * canonical headers is the bare host name (no port), as the official SDKs sign it.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  service: string;
  /** host name without a port, e.g. sms.tencentcloudapi.com */
  host: string;
  action: string;
  version: string;
  region?: string;
  /** unix seconds */
  timestamp: number;
  payload: string;
}

export const TC3_CONTENT_TYPE = 'application/json; charset=utf-8';

const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest();

/** yyyy-mm-dd of the timestamp in UTC */
export function utcDate(timestampSec: number): string {
  return new Date(timestampSec * 1000).toISOString().slice(0, 10);
}

export function tc3Authorization(input: Tc3Input): string {
  const signedHeaders = 'content-type;host;x-tc-action';
  const canonicalHeaders = `content-type:${TC3_CONTENT_TYPE}\nhost:${input.host}\nx-tc-action:${input.action.toLowerCase()}\n`;
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(input.payload)].join('\n');
  const date = utcDate(input.timestamp);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(`TC3${input.secretKey}`, date);
  const kService = hmac(kDate, input.service);
  const kSigning = hmac(kService, 'tc3_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/** All headers of a signed request. */
export function tc3Headers(input: Tc3Input): Record<string, string> {
  return {
    Authorization: tc3Authorization(input),
    'Content-Type': TC3_CONTENT_TYPE,
    'X-TC-Action': input.action,
    'X-TC-Timestamp': String(input.timestamp),
    'X-TC-Version': input.version,
    ...(input.region ? { 'X-TC-Region': input.region } : {}),
  };
}
