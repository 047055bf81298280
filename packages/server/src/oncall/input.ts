/**
 * Validation of directory edits made through the API. Each check throws an INVALID_FIELD error
 * naming the offending field (`mobile`, `layers.0.members.1`, `end`…), so nothing is changed.
 */
import { ApiError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';
import { ROLES, type Layer, type Override, type Person, type Restriction, type Rotation } from './model.js';
import { shanghaiLocal } from './time.js';

type Body = Record<string, unknown>;
export type Known = { people: Set<string>; roles: Set<string> };

const ID = /^[a-z0-9][a-z0-9_.-]*$/;
const MOBILE = /^\+?[0-9][0-9 -]{5,19}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HHMM = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const bad = (field: string, message: string): never => {
  throw new ApiError('INVALID_FIELD', message, field);
};

export const knownRoles = (people: Person[], rotations: Rotation[]): Set<string> => new Set<string>([...ROLES, ...people.flatMap((p) => p.roles), ...rotations.map((r) => r.role)]);

/** The request body as an object; with `allowed`, any other key is refused by name (a typo changes nothing). */
export function body(v: unknown, allowed?: readonly string[]): Body {
  const b = v && typeof v === 'object' && !Array.isArray(v) ? (v as Body) : bad('body', 'a JSON object is required');
  const extra = allowed && Object.keys(b).find((k) => !allowed.includes(k));
  return extra ? bad(extra, `unknown field '${extra}' (known: ${allowed.join(', ')})`) : b;
}

export function id(v: unknown, field = 'id'): string {
  return typeof v === 'string' && v.length <= 64 && ID.test(v) ? v : bad(field, `${field} must be lower-case letters, digits, '_', '.' or '-' (at most 64)`);
}

function text(v: unknown, field: string, max: number): string {
  return typeof v === 'string' && v.trim().length > 0 && v.length <= max ? v : bad(field, `${field} must be a non-empty text of at most ${max} characters`);
}

function roles(v: unknown, known: Set<string>, field = 'roles'): string[] {
  if (!Array.isArray(v)) return bad(field, `${field} must be a list of roles`);
  v.forEach((r, i) => {
    if (typeof r !== 'string' || !known.has(r)) bad(`${field}.${i}`, `unknown role '${String(r)}' (known: ${[...known].join(', ')})`);
  });
  return [...new Set(v as string[])];
}

/** A time: epoch ms, or a Shanghai local time "2025-01-06T10:00". */
export function time(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  if (typeof v === 'string') {
    try {
      return shanghaiLocal(v);
    } catch {
      // reported below
    }
  }
  return bad(field, `${field} must be epoch milliseconds or a Shanghai local time like 2025-01-06T10:00`);
}

/** A new person (`base` undefined) or the fields of an update over `base`; `null` removes a contact point. */
export function person(v: unknown, known: Known, base?: Person): Person {
  const b = body(v, ['id', 'name', 'roles', 'mobile', 'email', 'feishuOpenId']);
  const out: Person = base ? { ...base, roles: [...base.roles] } : { id: id(b.id), name: text(b.name, 'name', 64), roles: roles(b.roles ?? [], known.roles) };
  if (base) {
    if (b.id !== undefined && b.id !== base.id) bad('id', 'the id of a person cannot change');
    if (b.name !== undefined) out.name = text(b.name, 'name', 64);
    if (b.roles !== undefined) out.roles = roles(b.roles, known.roles);
  }
  const contact = (key: 'mobile' | 'email' | 'feishuOpenId', ok: (s: string) => boolean, hint: string): void => {
    const x = b[key];
    if (x === undefined) return;
    if (x === null) delete out[key];
    else if (typeof x === 'string' && ok(x)) out[key] = x;
    else bad(key, `${key} ${hint}`);
  };
  contact('mobile', (s) => MOBILE.test(s), 'must be a phone number (digits, optionally +country code)');
  contact('email', (s) => s.length <= 254 && EMAIL.test(s), 'must be an e-mail address');
  contact('feishuOpenId', (s) => /^[\w-]{1,128}$/.test(s), 'must be a Feishu open id');
  return out;
}

function member(v: unknown, known: Known, field: string): string {
  return typeof v === 'string' && known.people.has(v) ? v : bad(field, `${field}: '${String(v)}' is not a person in the directory`);
}

function restriction(v: unknown, field: string): Restriction | undefined {
  if (v === undefined || v === null) return undefined;
  const b = v && typeof v === 'object' ? (v as Body) : bad(field, `${field} must be an object`);
  const r: Restriction = {};
  if (b.days !== undefined) {
    if (!Array.isArray(b.days) || !b.days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) bad(`${field}.days`, 'days must be weekdays 1 (Monday) … 7 (Sunday)');
    r.days = b.days as number[];
  }
  for (const k of ['from', 'to'] as const) {
    if (b[k] === undefined) continue;
    if (typeof b[k] !== 'string' || !HHMM.test(b[k])) bad(`${field}.${k}`, `${k} must be HH:MM`);
    r[k] = b[k] as string;
  }
  return r;
}

function layer(v: unknown, known: Known, field: string): Layer {
  const b = v && typeof v === 'object' ? (v as Body) : bad(field, `${field} must be an object`);
  if (!Array.isArray(b.members) || b.members.length === 0) bad(`${field}.members`, 'members must list at least one person');
  const members = (b.members as unknown[]).map((m, i) => member(m, known, `${field}.members.${i}`));
  let handoffMs = 7 * 86_400_000;
  if (b.handoff !== undefined) {
    try {
      handoffMs = typeof b.handoff === 'string' ? parseDuration(b.handoff) : NaN;
    } catch {
      handoffMs = NaN;
    }
    if (!(handoffMs >= 3_600_000)) bad(`${field}.handoff`, 'handoff must be a duration of at least 1h, e.g. 7d or 12h');
  }
  const r = restriction(b.restriction, `${field}.restriction`);
  return { name: text(b.name ?? 'layer', `${field}.name`, 64), members, start: time(b.start, `${field}.start`), handoffMs, ...(r ? { restriction: r } : {}) };
}

/** A rotation's role and layers (its overrides are edited apart). */
export function rotation(v: unknown, known: Known, rid: string, overrides: Override[]): Rotation {
  const b = body(v, ['id', 'role', 'layers']);
  const role = typeof b.role === 'string' && known.roles.has(b.role) ? b.role : bad('role', `unknown role '${String(b.role)}'`);
  if (!Array.isArray(b.layers) || b.layers.length === 0) bad('layers', 'layers must list at least one layer');
  const layers = (b.layers as unknown[]).map((l, i) => layer(l, known, `layers.${i}`));
  return { id: rid, role, layers, overrides };
}

export function shift(v: unknown, known: Known, prefix = ''): { personId: string; start: number; end: number } {
  const b = v && typeof v === 'object' ? (v as Body) : bad(prefix || 'body', `${prefix || 'body'} must be an object`);
  const personId = member(b.person, known, `${prefix}person`);
  const start = time(b.start, `${prefix}start`);
  const end = time(b.end, `${prefix}end`);
  if (end <= start) bad(`${prefix}end`, `${prefix}end must be after ${prefix}start`);
  return { personId, start, end };
}

export function note(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.slice(0, 200) : undefined;
}
