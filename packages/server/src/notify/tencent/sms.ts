/**
 * SMS over Tencent Cloud SMS `SendSms` (API 2021-01-11, service `sms`): one phone number per
 * delivery, the message's short params in the approved template. Success is per number:
 * `SendStatusSet[].Code == "Ok"`.
 */
import { failure, type Channel, type SendResult } from '../types.js';
import { callTencent, classifyTencentError, e164, templateParams, type TencentCredentials } from './client.js';

export interface SmsConfig extends TencentCredentials {
  sdkAppId: string;
  signName: string;
  /** approved template for alerts: variables in the order of NotificationMessage.params */
  templateId: string;
  /** approved template for resolved notices; without it resolved notices are not sent by SMS */
  resolvedTemplateId?: string;
  /** how many variables the templates have (default 5: level, metric, value, threshold, ack minutes) */
  paramCount?: number;
  /** longest variable the template accepts, in characters */
  paramMaxLength?: number;
}

export const SMS_API = { service: 'sms', host: 'sms.tencentcloudapi.com', action: 'SendSms', version: '2021-01-11' } as const;

export function createSmsChannel(config: SmsConfig): Channel<'sms'> {
  return {
    type: 'sms',
    targetKey: (target) => `sms:${e164(target.phone) ?? target.phone}`,
    async send(message, target, ctx): Promise<SendResult> {
      const phone = e164(target.phone);
      if (!phone) return failure('INVALID_TARGET', 'not a phone number', false);
      const templateId = message.kind === 'resolved' ? config.resolvedTemplateId : config.templateId;
      if (!templateId) return failure('NOT_CONFIGURED', 'no SMS template for resolved notices', false);
      const result = await callTencent(
        config,
        SMS_API,
        {
          PhoneNumberSet: [phone],
          SmsSdkAppId: config.sdkAppId,
          SignName: config.signName,
          TemplateId: templateId,
          TemplateParamSet: templateParams(message.params, config.paramCount ?? 5, config.paramMaxLength ?? 20),
          ...(ctx.idempotencyKey ? { SessionContext: ctx.idempotencyKey.slice(0, 512) } : {}),
        },
        ctx,
      );
      if ('ok' in result) return result;
      const set = Array.isArray(result.response.SendStatusSet) ? result.response.SendStatusSet : [];
      const status = set[0] as { Code?: unknown; Message?: unknown; SerialNo?: unknown } | undefined;
      if (status?.Code === 'Ok') return { ok: true, providerId: typeof status.SerialNo === 'string' ? status.SerialNo : result.requestId };
      const code = typeof status?.Code === 'string' ? status.Code : 'MissingSendStatus';
      const info = status ? classifyTencentError(code) : { code: 'BAD_RESPONSE' as const, retryable: true };
      const text = typeof status?.Message === 'string' ? status.Message.slice(0, 200) : '';
      return failure(info.code, `SendSms: ${code} ${text}`.trim(), info.retryable, {
        providerCode: code,
        ...('retryAfterMs' in info && info.retryAfterMs !== undefined ? { retryAfterMs: info.retryAfterMs } : {}),
      });
    },
  };
}
