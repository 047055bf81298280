/**
 * Wraps a channel so that no message reaches a provider without passing the privacy guard and
 * nothing thrown escapes: every path ends in a result code.
 */
import { privacyRefusal } from './privacy.js';
import { failure, type Channel, type ChannelType, type SendResult } from './types.js';

export function guarded<K extends ChannelType>(channel: Channel<K>): Channel<K> {
  return {
    type: channel.type,
    targetKey: (target) => channel.targetKey(target),
    async send(message, target, ctx): Promise<SendResult> {
      const refusal = privacyRefusal(message);
      if (refusal) {
        ctx.log?.warn({ channel: channel.type, code: refusal.code, error: refusal.error }, 'notification refused');
        return refusal;
      }
      try {
        return await channel.send(message, target, ctx);
      } catch (err) {
        const name = err instanceof Error ? err.name : 'unknown';
        ctx.log?.warn({ channel: channel.type, error: name }, 'channel threw');
        return failure('PROVIDER_ERROR', `${channel.type} channel failed: ${name}`, true);
      }
    },
  };
}
