/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 that authenticates, accepts mail,
 * parses it with `mailparser` and keeps it for assertions. Failures are real SMTP replies.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Map<string, unknown>;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  mails: ReceivedMail[];
  /** answer the next `times` DATA commands with this SMTP status (e.g. 451, 552) */
  failData(status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startSmtpReceiver(opts: { user?: string; pass?: string } = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  let failure: { status: number; times: number } | null = null;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: opts.user === undefined,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, _session, cb) {
      const f = failure;
      if (f) {
        f.times -= 1;
        if (f.times <= 0) failure = null;
        stream.resume();
        stream.on('end', () => cb(Object.assign(new Error('Injected failure'), { responseCode: f.status })));
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
          mails.push({
            from: mail.from?.text ?? '',
            to: to.flatMap((a) => a.value.map((v) => v.address ?? '')),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
            headers: mail.headers as Map<string, unknown>,
          });
          cb();
        },
        (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    mails,
    failData(status, times = 1) {
      failure = { status, times };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
