/**
 * The privacy guard: a message that the default masking rules would change carries personal data
 * (a mobile, an ID number, an e-mail address, an openid, an IP address…) and is refused. Messages
 * are built from templates of metric names and numbers, so a hit means a bug or a leaking label.
 */
import { maskString, type MaskKind } from '@mgops/protocol';
import { failure, type NotificationMessage, type SendFailure } from './types.js';

export type PrivacyFinding = { field: string; kinds: MaskKind[] };

export function findPersonalData(message: NotificationMessage): PrivacyFinding[] {
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
  for (const [field, value] of fields) {
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
