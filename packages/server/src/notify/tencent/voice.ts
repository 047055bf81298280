/**
 * Phone call over Tencent Cloud VMS `SendTtsVoice` (API 2020-09-02, service `vms`): a
 * text-to-speech template read `PlayTimes` times (≤ 3). The API has no key-press
 * acknowledgement: people acknowledge in the console or DingTalk. Success is `SendStatus.CallId`.
 */
import { failure, type Channel, type SendResult } from '../types.js';
import { callTencent, e164, templateParams, type TencentCredentials } from './client.js';

export interface VoiceConfig extends TencentCredentials {
  voiceSdkAppId: string;
  templateId: string;
  playTimes?: number;
  paramCount?: number;
  paramMaxLength?: number;
}

export const VOICE_API = { service: 'vms', host: 'vms.tencentcloudapi.com', action: 'SendTtsVoice', version: '2020-09-02' } as const;

export function createVoiceChannel(config: VoiceConfig): Channel<'voice'> {
  const playTimes = Math.min(3, Math.max(1, Math.round(config.playTimes ?? 2)));
  return {
    type: 'voice',
    targetKey: (target) => `voice:${e164(target.phone) ?? target.phone}`,
    async send(message, target, ctx): Promise<SendResult> {
      const phone = e164(target.phone);
      if (!phone) return failure('INVALID_TARGET', 'not a phone number', false);
      if (message.kind === 'resolved') return failure('NOT_CONFIGURED', 'resolved notices are not phoned', false);
      const result = await callTencent(
        config,
        VOICE_API,
        {
          TemplateId: config.templateId,
          CalledNumber: phone,
          VoiceSdkAppid: config.voiceSdkAppId,
          TemplateParamSet: templateParams(message.params, config.paramCount ?? 3, config.paramMaxLength ?? 20),
          PlayTimes: playTimes,
          ...(ctx.idempotencyKey ? { SessionContext: ctx.idempotencyKey.slice(0, 512) } : {}),
        },
        ctx,
      );
      if ('ok' in result) return result;
      const status = result.response.SendStatus as { CallId?: unknown } | undefined;
      if (typeof status?.CallId === 'string' && status.CallId !== '') return { ok: true, providerId: status.CallId };
      return failure('BAD_RESPONSE', 'SendTtsVoice answer without CallId', true);
    },
  };
}
