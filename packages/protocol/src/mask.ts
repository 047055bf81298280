/**
 * Default masking of personal information (SPEC.md §5, REFERENCE.md "Personal information
 * patterns"). Dependency-free and ES2017-safe (no look-behind), so the mini-program SDK, the Node
 * SDK and the collector share exactly the same rules. Rules are data, compiled once.
 */

export type MaskKind = 'mobile' | 'id_card' | 'bank_card' | 'email' | 'openid' | 'ipv4' | 'ipv6';

export const MASK_KINDS: readonly MaskKind[] = [
  'email',
  'id_card',
  'bank_card',
  'mobile',
  'ipv4',
  'ipv6',
  'openid',
];

/** GB 11643 checksum (weight of digit i is 2^(17-i) mod 11) and a real birth date. */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (Math.pow(2, 17 - i) % 11);
  if ('10X98765432'.charAt(sum % 11) !== id.charAt(17).toUpperCase()) return false;
  const y = +id.slice(6, 10);
  const m = +id.slice(10, 12) - 1;
  const d = +id.slice(12, 14);
  const date = new Date(Date.UTC(y, m, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m && date.getUTCDate() === d;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, dbl = 0; i >= 0; i--, dbl ^= 1) {
    const n = (digits.charCodeAt(i) - 48) << dbl;
    sum += n > 9 ? n - 9 : n;
  }
  return sum % 10 === 0;
}

type Rule = {
  kind: MaskKind;
  /** cheap pre-check so most strings skip the regex */
  pre: (s: string) => boolean;
  /** group 1, when present, is the character before the value (no look-behind in ES2017): it is kept */
  re: RegExp;
  /** the replacement of the value (after the kept group 1), or null to keep the match as it is */
  replace: (m: RegExpExecArray, input: string) => string | null;
};

/** The 24 characters before the value, for the context words of ids and cards. */
const before = (m: RegExpExecArray, input: string): string => input.slice(Math.max(0, m.index - 24), m.index + (m[1] || '').length);

const RULES: Rule[] = [
  {
    kind: 'email',
    pre: (s) => s.indexOf('@') >= 0,
    re: /[\w.%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g,
    replace: () => '[email]',
  },
  {
    kind: 'id_card',
    pre: (s) => s.length >= 18,
    re: /(^|[^\dA-Za-z])(\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![\dA-Za-z])/g,
    replace: (m, input) =>
      isValidResidentId(m[2] as string) || /(身份证|证件|id_?card|idno|identity)[^\n]{0,12}$/i.test(before(m, input)) ? '[id]' : null,
  },
  {
    kind: 'bank_card',
    pre: (s) => s.length >= 16,
    re: /(^|\D)((?:\d[ -]?){15,18}\d)(?!\d)/g,
    replace: (m, input) => {
      const digits = (m[2] as string).replace(/[ -]/g, '');
      if (digits.length < 16 || digits.length > 19) return null;
      return luhnValid(digits) || /(卡号|银行卡|card_?no|bank_?card)[^\n]{0,12}$/i.test(before(m, input)) ? '[card]' : null;
    },
  },
  {
    kind: 'mobile',
    pre: (s) => s.length >= 11,
    re: /(^|\D)((?:\+?86|0086)[ -]?)?(1[3-9]\d(?:[ -]?\d{4}){2})(?!\d)/g,
    replace: () => '[mobile]',
  },
  {
    kind: 'ipv4',
    pre: (s) => s.indexOf('.') >= 0,
    re: /(^|[^\d.])((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))(?!\d|\.\d)/g,
    replace: (m) => (m[6] === '0' ? null : m[3] + '.' + m[4] + '.' + m[5] + '.0'),
  },
  {
    kind: 'ipv6',
    pre: (s) => s.indexOf(':') !== s.lastIndexOf(':'),
    re: /(^|[^\da-f:])((?:[\da-f]{1,4}:){7}[\da-f]{1,4}|(?:[\da-f]{1,4}:){1,6}(?::[\da-f]{1,4}){1,6}|(?:[\da-f]{1,4}:){1,7}:|::(?:[\da-f]{1,4}:){0,6}[\da-f]{1,4})(?![\da-f:])/gi,
    replace: (m) => {
      const parts = (m[2] as string).split(':');
      // not a full address without "::"; not "1::2"-like tokens, times, ratios
      if ((parts.length < 8 && (m[2] as string).indexOf('::') < 0) || !/[\da-f]{3}/i.test(m[2] as string)) return null;
      return parts.slice(0, 3).join(':') + '::/48';
    },
  },
  {
    kind: 'openid',
    pre: (s) => s.length >= 28,
    re: /(^|[^\w-])(o[\w-]{27})(?![\w-])/g,
    replace: () => '[openid]',
  },
];

/**
 * Masks personal information in a string. `onHit` is called once per masked value with its kind
 * and where the value stood (`s.slice(start, end)`, in the string as masked by the rules before),
 * so the collector can tell a value standing alone from a run inside a longer token.
 */
export function maskString(input: string, onHit?: (kind: MaskKind, s: string, start: number, end: number) => void): string {
  if (input.length < 7) return input;
  let s = input;
  for (const rule of RULES) {
    if (!rule.pre(s)) continue;
    const re = rule.re;
    re.lastIndex = 0;
    let out = '';
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      const kept = m[1] || '';
      const rep = rule.replace(m, s);
      if (rep !== null) {
        out += s.slice(last, m.index) + kept + rep;
        last = re.lastIndex;
        if (onHit) onHit(rule.kind, s, m.index + kept.length, re.lastIndex);
        // else: retry from just after the kept character so overlapping candidates are still seen
      } else re.lastIndex = m.index + kept.length + 1;
    }
    if (last) s = out + s.slice(last);
  }
  return s;
}

/** Reduces a URL to its route template: no origin, query, fragment or ids. */
export function urlTemplate(url: string): string {
  const path = (url.split(/[?#]/)[0] as string).replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '') || '/';
  return path
    .split('/')
    .map((seg) => (isIdSegment(seg) ? ':id' : seg))
    .join('/');
}

function isIdSegment(seg: string): boolean {
  return (
    // numbers, UUIDs, hex of 16+, openids
    /^(\d+|[\da-f]{8}-?[\da-f]{4}-?[\da-f]{4}-?[\da-f]{4}-?[\da-f]{12}|[\da-f]{16,})$/i.test(seg) ||
    /^o[\w-]{27}$/.test(seg) ||
    // long tokens mixing letters and digits (ids, hashes)
    (seg.length >= 12 && /\d/.test(seg) && /[A-Za-z]/.test(seg) && seg.indexOf('.') < 0)
  );
}
