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

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 checksum and a real birth date. */
export function isValidResidentId(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id.charCodeAt(i) - 48) * (ID_WEIGHTS[i] ?? 0);
  if (ID_CHECK[sum % 11] !== id.charAt(17).toUpperCase()) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48;
    if (dbl) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

const ID_CONTEXT = /(身份证|证件|id_?card|idno|identity)[^\n]{0,12}$/i;
const CARD_CONTEXT = /(卡号|银行卡|card_?no|bank_?card)[^\n]{0,12}$/i;

type Rule = {
  kind: MaskKind;
  /** cheap pre-check so most strings skip the regex */
  pre: (s: string) => boolean;
  re: RegExp;
  /** returns the replacement, or null to keep the match as it is */
  replace: (m: RegExpExecArray, input: string) => string | null;
};

const RULES: Rule[] = [
  {
    kind: 'email',
    pre: (s) => s.indexOf('@') >= 0,
    re: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g,
    replace: () => '[email]',
  },
  {
    kind: 'id_card',
    pre: (s) => s.length >= 18,
    // prefix group keeps the character before the match (no look-behind in ES2017)
    re: /(^|[^0-9A-Za-z])(\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])/g,
    replace: (m, input) => {
      const id = m[2] ?? '';
      const before = input.slice(Math.max(0, m.index - 24), m.index + (m[1] ?? '').length);
      return isValidResidentId(id) || ID_CONTEXT.test(before) ? `${m[1] ?? ''}[id]` : null;
    },
  },
  {
    kind: 'bank_card',
    pre: (s) => s.length >= 16,
    re: /(^|[^0-9])((?:\d[ -]?){15,18}\d)(?![0-9])/g,
    replace: (m, input) => {
      const digits = (m[2] ?? '').replace(/[ -]/g, '');
      if (digits.length < 16 || digits.length > 19) return null;
      const before = input.slice(Math.max(0, m.index - 24), m.index + (m[1] ?? '').length);
      return luhnValid(digits) || CARD_CONTEXT.test(before) ? `${m[1] ?? ''}[card]` : null;
    },
  },
  {
    kind: 'mobile',
    pre: (s) => s.length >= 11,
    re: /(^|[^0-9])((?:\+?86|0086)[ -]?)?(1[3-9]\d(?:[ -]?\d{4}){2})(?![0-9])/g,
    replace: (m) => `${m[1] ?? ''}[mobile]`,
  },
  {
    kind: 'ipv4',
    pre: (s) => s.indexOf('.') >= 0,
    re: /(^|[^0-9.])((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))(?![0-9]|\.\d)/g,
    replace: (m) => (m[6] === '0' ? null : `${m[1] ?? ''}${m[3]}.${m[4]}.${m[5]}.0`),
  },
  {
    kind: 'ipv6',
    pre: (s) => s.indexOf(':') >= 0 && s.indexOf(':') !== s.lastIndexOf(':'),
    re: /(^|[^0-9A-Fa-f:])((?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})(?![0-9A-Fa-f:])/g,
    replace: (m) => {
      const addr = m[2] ?? '';
      if (addr.indexOf('::') < 0 && addr.split(':').length < 8) return null;
      if (!/[0-9A-Fa-f]{3,4}/.test(addr)) return null; // "1::2"-like tokens, times, ratios
      const head = addr.split(':').slice(0, 3).join(':');
      return `${m[1] ?? ''}${head}::/48`;
    },
  },
  {
    kind: 'openid',
    pre: (s) => s.length >= 28,
    re: /(^|[^A-Za-z0-9_-])(o[A-Za-z0-9_-]{27})(?![A-Za-z0-9_-])/g,
    replace: (m) => `${m[1] ?? ''}[openid]`,
  },
];

/**
 * Masks personal information in a string. `onHit` is called once per masked value with its kind
 * (the collector counts them for the data-leak-risk rule).
 */
export function maskString(input: string, onHit?: (kind: MaskKind) => void): string {
  if (input.length < 7) return input;
  let s = input;
  for (const rule of RULES) {
    if (!rule.pre(s)) continue;
    rule.re.lastIndex = 0;
    let out = '';
    let last = 0;
    let changed = false;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(s)) !== null) {
      const rep = rule.replace(m, s);
      if (rep !== null) {
        out += s.slice(last, m.index) + rep;
        last = m.index + m[0].length;
        changed = true;
        onHit?.(rule.kind);
      } else if (m[0].length > (m[1] ?? '').length) {
        // retry from just after the prefix so overlapping candidates are still seen
        rule.re.lastIndex = m.index + Math.max(1, (m[1] ?? '').length + 1);
      }
    }
    if (changed) s = out + s.slice(last);
  }
  return s;
}

/** Reduces a URL to its route template: no origin, query, fragment or ids. */
export function urlTemplate(url: string): string {
  let u = url;
  const hash = u.indexOf('#');
  if (hash >= 0) u = u.slice(0, hash);
  const q = u.indexOf('?');
  if (q >= 0) u = u.slice(0, q);
  u = u.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '');
  if (u === '') u = '/';
  return u
    .split('/')
    .map((seg) => (isIdSegment(seg) ? ':id' : seg))
    .join('/');
}

function isIdSegment(seg: string): boolean {
  if (seg === '') return false;
  if (/^\d+$/.test(seg)) return true;
  if (/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(seg)) return true;
  if (/^[0-9a-f]{16,}$/i.test(seg)) return true;
  if (/^o[A-Za-z0-9_-]{27}$/.test(seg)) return true;
  // long tokens mixing letters and digits (ids, hashes)
  return seg.length >= 12 && /\d/.test(seg) && /[A-Za-z]/.test(seg) && !/[.]/.test(seg);
}
