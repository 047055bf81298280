/**
 * E-mail over SMTP with nodemailer: HTML and plain text, the alert title as subject. The
 * idempotency key becomes the Message-ID, so a retried delivery is the same message to mail
 * clients. SMTP 4xx is retried, 5xx is not (535: authentication).
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { failure, type Channel, type SendFailure, type SendResult } from '../types.js';

export interface EmailConfig {
  smtp: {
    host: string;
    port: number;
    /** TLS from the first byte (port 465) */
    secure?: boolean;
    /** refuse to send unless STARTTLS succeeds */
    requireTLS?: boolean;
    auth?: { user: string; pass: string };
  };
  from: string;
  timeoutMs?: number;
}

const PRIORITY = { P0: 'high', P1: 'high', P2: 'normal', P3: 'low' } as const;

export function createEmailChannel(config: EmailConfig): Channel<'email'> {
  const timeout = config.timeoutMs ?? 10_000;
  const options: SMTPTransport.Options = {
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure ?? false,
    requireTLS: config.smtp.requireTLS ?? false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(config.smtp.auth ? { auth: { user: config.smtp.auth.user, pass: config.smtp.auth.pass } } : {}),
  };
  const transport = nodemailer.createTransport(options);
  return {
    type: 'email',
    targetKey: (target) => `email:${[...target.to].sort().join(',')}`,
    async send(message, target, ctx): Promise<SendResult> {
      const to = target.to.filter((a) => /^[^\s@]+@[^\s@]+$/.test(a));
      if (to.length === 0) return failure('INVALID_TARGET', 'no valid recipient address', false);
      try {
        const info = await transport.sendMail({
          from: config.from,
          to,
          subject: message.title,
          text: message.text,
          html: message.html,
          priority: PRIORITY[message.level],
          date: new Date(ctx.now()),
          headers: { 'X-MGOps-Level': message.level, 'X-MGOps-Kind': message.kind },
          ...(ctx.idempotencyKey ? { messageId: `<${ctx.idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '_')}@mgops>` } : {}),
        });
        if (info.accepted.length === 0) return failure('REJECTED', 'every recipient was refused', false);
        if (info.rejected.length > 0) {
          ctx.log?.warn({ channel: 'email', rejected: info.rejected.length }, 'some recipients were refused');
        }
        return { ok: true, providerId: info.messageId };
      } catch (err) {
        return smtpFailure(err);
      }
    },
  };
}

function smtpFailure(err: unknown): SendFailure {
  const e = err as { code?: unknown; responseCode?: unknown; command?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'EUNKNOWN';
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const where = typeof e.command === 'string' ? ` at ${e.command.split(' ')[0]}` : '';
  const providerCode = status !== undefined ? String(status) : code;
  if (code === 'EAUTH' || status === 535 || status === 534) return failure('AUTH', `SMTP authentication failed${where}`, false, { providerCode });
  if (status !== undefined && status >= 400 && status < 500) return failure('PROVIDER_ERROR', `SMTP ${status}${where}`, true, { providerCode });
  if (status !== undefined && status >= 500) return failure('REJECTED', `SMTP ${status}${where}`, false, { providerCode });
  if (code === 'EENVELOPE') return failure('INVALID_TARGET', 'SMTP envelope refused', false, { providerCode });
  if (code === 'ETIMEDOUT') return failure('TIMEOUT', 'SMTP server did not answer in time', true, { providerCode });
  return failure('NETWORK', `SMTP connection failed (${code})`, true, { providerCode });
}
