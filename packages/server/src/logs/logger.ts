/**
 * Structured logs (pino) that never carry secrets or personal data: keys, cookies and
 * authorisation headers are redacted, and request URLs are logged without their query string.
 */
import pino, { type Logger } from 'pino';

export const REDACT = [
  'req.headers["x-mgops-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-mgops-key"]',
  'key',
  'secret',
  'password',
  'token',
];

export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          url: (req.url ?? '').split('?')[0],
        }),
      },
    },
    destination,
  );
}
