/**
 * Calls one Tencent Cloud API 3.0 action: signs, posts, and reads `{Response:{…, RequestId}}` or
 * `{Response:{Error:{Code, Message}}}` into a result. The endpoint is configurable so tests point
 * it at a local receiver.
 */
import { httpStatusFailure, isFailure, postJson, readObject } from '../http.js';
import { failure, type FailureCode, type SendContext, type SendFailure } from '../types.js';
import { tc3Headers } from './tc3.js';

export interface TencentCredentials {
  secretId: string;
  secretKey: string;
  region: string;
  /** https://sms.tencentcloudapi.com by default; tests use http://127.0.0.1:PORT */
  endpoint?: string;
  timeoutMs?: number;
}

export type TencentAction = { service: string; host: string; action: string; version: string };

/** Error codes worth a retry, and those that mean the account cannot send (fall back). */
export function classifyTencentError(code: string): { code: FailureCode; retryable: boolean; retryAfterMs?: number } {
  if (code.startsWith('AuthFailure')) return { code: 'AUTH', retryable: false };
  if (code === 'RequestLimitExceeded' || code.startsWith('RequestLimitExceeded.')) return { code: 'THROTTLED', retryable: true, retryAfterMs: 1000 };
  if (code === 'InternalError' || code.startsWith('InternalError.') || code === 'ResourceUnavailable') return { code: 'PROVIDER_ERROR', retryable: true };
  if (/InsufficientBalance|Arrears|PackageExhausted|OutOfBalance/i.test(code)) return { code: 'QUOTA_EXHAUSTED', retryable: false };
  if (code === 'LimitExceeded.PhoneNumberThirtySecondLimit') return { code: 'THROTTLED', retryable: true, retryAfterMs: 30_000 };
  if (code.startsWith('LimitExceeded.PhoneNumber')) return { code: 'RATE_LIMITED', retryable: false };
  if (/IncorrectPhoneNumber|InvalidCalledNumber|PhoneNumber/i.test(code)) return { code: 'INVALID_TARGET', retryable: false };
  return { code: 'REJECTED', retryable: false };
}

export async function callTencent(
  creds: TencentCredentials,
  api: TencentAction,
  payload: Record<string, unknown>,
  ctx: SendContext,
): Promise<{ response: Record<string, unknown>; requestId: string } | SendFailure> {
  const endpoint = creds.endpoint ?? `https://${api.host}`;
  const body = JSON.stringify(payload);
  const headers = tc3Headers({
    secretId: creds.secretId,
    secretKey: creds.secretKey,
    service: api.service,
    host: new URL(endpoint).hostname,
    action: api.action,
    version: api.version,
    region: creds.region,
    timestamp: Math.floor(ctx.now() / 1000),
    payload: body,
  });
  const answer = await postJson(endpoint, body, {
    headers,
    timeoutMs: creds.timeoutMs ?? 8_000,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (isFailure(answer)) return answer;
  const response = readObject(readObject(answer.json)?.Response);
  if (!response) {
    return answer.status !== 200 ? httpStatusFailure(answer.status, api.service) : failure('BAD_RESPONSE', `${api.service} answer without Response`, true);
  }
  const requestId = typeof response.RequestId === 'string' ? response.RequestId : '';
  const error = readObject(response.Error);
  if (error) {
    const code = typeof error.Code === 'string' ? error.Code : 'Unknown';
    const info = classifyTencentError(code);
    const message = typeof error.Message === 'string' ? error.Message.slice(0, 200) : '';
    ctx.log?.warn({ channel: api.service, action: api.action, code, requestId }, 'Tencent Cloud refused the request');
    return failure(info.code, `${api.action}: ${code} ${message}`.trim(), info.retryable, {
      providerCode: code,
      ...(info.retryAfterMs !== undefined ? { retryAfterMs: info.retryAfterMs } : {}),
    });
  }
  if (answer.status !== 200) return httpStatusFailure(answer.status, api.service);
  return { response, requestId };
}

/** E.164 for Tencent: a mainland 11-digit mobile gets +86. undefined when it is not a number. */
export function e164(phone: string): string | undefined {
  const compact = phone.replace(/[\s()-]/g, '').replace(/^00/, '+');
  const full = /^1[3-9]\d{9}$/.test(compact) ? `+86${compact}` : compact;
  return /^\+\d{6,15}$/.test(full) ? full : undefined;
}

/** Template variables are short: cut each to `max` characters. */
export function templateParams(params: string[], count: number, max: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const p = params[i] || '-';
    return [...p].length > max ? [...p].slice(0, max).join('') : p;
  });
}
