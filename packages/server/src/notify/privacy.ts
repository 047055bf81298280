/**
 * The privacy guard: a message that the default masking rules would change carries personal data
 * (a mobile, an ID number, an e-mail address, an openid, an IP address…) and is refused. Messages
 * are built from templates of metric names and numbers, so a hit means a bug or a leaking label.
 */
import { maskString, type MaskKind } from '@mgops/protocol';
import { failure, type NotificationMessage, type SendFailure } from './types.js';

export type PrivacyFinding = { field: string; kinds: MaskKind[] };

/**
 * The origin of the console and acknowledge links is operator configuration (`server.publicUrl`,
 * possibly an IP address), not personal data: it is left out of the check; paths and queries are not.
 */
function linkOrigins(message: NotificationMessage): string[] {
  const origins = new Set<string>();
  for (const link of [message.links.console, message.links.ack]) {
    if (link === undefined) continue;
    try {
      origins.add(new URL(link).origin);
    } catch {
      // not a URL: checked as it is
    }
  }
  return [...origins];
}

export function findPersonalData(message: NotificationMessage): PrivacyFinding[] {
  const origins = linkOrigins(message);
  const strip = (s: string): string => origins.reduce((acc, o) => acc.split(o).join('/'), s);
  const fields: Array<[string, string]> = [
    ['title', message.title],
    ['markdown', message.markdown],
    ['text', message.text],
    ['html', message.html],
    ...message.params.map((p, i): [string, string] => [`params[${i}]`, p]),
  ];
  if (message.links.console !== undefined) fields.push(['links.console', message.links.console]);
  if (message.links.ack !== undefined) fields.push(['links.ack', message.links.ack]);
  const findings: PrivacyFinding[] = [];
  for (const [field, raw] of fields) {
    const value = strip(raw);
    const kinds: MaskKind[] = [];
    const masked = maskString(value, (k) => kinds.push(k));
    if (masked !== value) findings.push({ field, kinds: [...new Set(kinds)] });
  }
  return findings;
}

/** undefined when the message may be sent, else the refusal (which names fields, never values). */
export function privacyRefusal(message: NotificationMessage): SendFailure | undefined {
  const findings = findPersonalData(message);
  if (findings.length === 0) return undefined;
  const what = findings.map((f) => `${f.field} (${f.kinds.join(', ')})`).join('; ');
  return failure('PRIVACY_REFUSED', `message refused: personal data in ${what}`, false);
}
