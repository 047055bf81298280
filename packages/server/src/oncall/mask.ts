/**
 * Contact details as shown anywhere outside the pager: settings pages and the audit log. Masking
 * is data, applied in one place: a mobile keeps its first 3 and last 4 digits (`138****0001`), an
 * e-mail its first letter and domain (`a***@mindguard.example`), a Feishu open id its prefix.
 */
import type { Person } from './model.js';

export function maskMobile(v: string): string {
  const d = v.replace(/\D/g, '');
  return d.length < 8 ? '****' : d.slice(0, 3) + '*'.repeat(d.length - 7) + d.slice(-4);
}

export const maskEmail = (v: string): string => v.replace(/^(.)[^@]*(@.*)?$/, (_m, first: string, domain?: string) => `${first}***${domain ?? ''}`);

const maskOpenId = (v: string): string => v.slice(0, 3) + '***';

export type MaskedPerson = { id: string; name: string; roles: string[]; mobile: string | null; email: string | null; feishuOpenId: string | null };

export function maskPerson(p: Person): MaskedPerson {
  return {
    id: p.id,
    name: p.name,
    roles: [...p.roles],
    mobile: p.mobile !== undefined ? maskMobile(p.mobile) : null,
    email: p.email !== undefined ? maskEmail(p.email) : null,
    feishuOpenId: p.feishuOpenId !== undefined ? maskOpenId(p.feishuOpenId) : null,
  };
}
