/**
 * The directory API answers a bad edit with 400 naming the field (`layers.0.members`,
 * `layers.0.members.1`, `a.end`, `mobile`…). Here that becomes a message in the page's language, keyed by
 * the form slot it belongs next to; '' is the form as a whole.
 */
import { useState } from 'react';
import { HttpError } from '../api';
import { roleName, useI18n, type Key, type T } from '../i18n';

export type FieldErrors = Record<string, string>;

const RULES: [RegExp, Key][] = [
  [/\.members$/, 'errMembers'],
  [/\.members\.\d+$|(^|\.)person$/, 'errPerson'],
  [/\.handoff$/, 'errHandoff'],
  [/\.restriction\.days$/, 'errDays'],
  [/\.restriction\.(from|to)$/, 'errHHMM'],
  [/(^|\.)name$/, 'errName'],
  [/(^|\.)(start|end)$/, 'errTime'],
  [/^mobile$/, 'errMobile'],
  [/^email$/, 'errEmail'],
  [/^roles(\.\d+)?$/, 'errRoles'],
  [/^id$/, 'errPersonId'],
];

/** The slot a field error shows in: one per member list and per restriction, else the field itself. */
export const slotOf = (field: string): string => field.replace(/\.members\.\d+$/, '.members').replace(/\.restriction\..*$/, '.restriction').replace(/^roles\.\d+$/, 'roles');

function message(field: string, serverMessage: string, t: T): string {
  if (/two different/.test(serverMessage)) return t('errSamePerson');
  if (/(^|\.)end$/.test(field) && /must be after/.test(serverMessage)) return t('errEndAfter');
  const rule = RULES.find(([re]) => re.test(field));
  return rule ? t(rule[1]) : t('errField', { msg: serverMessage });
}

/** What went wrong with a save, by slot. */
function fieldErrors(e: unknown, t: T, role: string): FieldErrors {
  if (e instanceof HttpError && e.status === 403) return { '': t('forbidden', { role }) };
  if (e instanceof HttpError && e.status < 500 && e.field && e.field !== 'body') return { '': t('fixFields'), [slotOf(e.field)]: message(e.field, e.message, t) };
  return { '': t('errField', { msg: (e as Error).message }) };
}

/**
 * A form's save: `run(request, done)` sends it (`busy` meanwhile), calls `done` when the API took it
 * and otherwise keeps the failure, shown as `errors` by slot.
 */
export function useSave(role: string) {
  const { t, lang } = useI18n();
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = (request: () => Promise<unknown>, done: () => void) => {
    setBusy(true);
    void request().then(
      () => { setFailure(null); setBusy(false); done(); },
      (e: unknown) => { setFailure(e); setBusy(false); },
    );
  };
  const errors: FieldErrors = failure === null ? {} : fieldErrors(failure, t, roleName(role, lang));
  return { errors, busy, run };
}

/** Accessibility attributes of an input whose errors show in `slot` (the message element has id `${base}-err`). */
export const described = (errors: FieldErrors, slot: string, base: string) =>
  errors[slot] ? { 'aria-invalid': true, 'aria-describedby': `${base}-err` } : {};

export function FieldError({ errors, slot, base }: { errors: FieldErrors; slot: string; base: string }) {
  const m = errors[slot];
  return m ? <span className="ferr" id={`${base}-err`} role="alert" data-field={slot}>{m}</span> : null;
}
