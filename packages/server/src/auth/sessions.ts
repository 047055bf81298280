/** In-memory sessions (a restart logs everyone out) with a CSRF token each, and a login limiter. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from './roles.js';

export type Session = { id: string; user: string; role: Role; csrf: string; expiresAt: number };

export class Sessions {
  private readonly byId = new Map<string, Session>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  create(user: string, role: Role): Session {
    const s: Session = { id: randomBytes(32).toString('base64url'), user, role, csrf: randomBytes(24).toString('base64url'), expiresAt: this.now() + this.ttlMs };
    this.byId.set(s.id, s);
    return s;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const s = this.byId.get(id);
    if (!s) return null;
    if (s.expiresAt <= this.now()) {
      this.byId.delete(id);
      return null;
    }
    s.expiresAt = this.now() + this.ttlMs; // sliding expiry
    return s;
  }

  drop(id: string): void {
    this.byId.delete(id);
  }

  dropUser(user: string): void {
    for (const [id, s] of this.byId) if (s.user === user) this.byId.delete(id);
  }
}

export function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Failed logins per key (IP, user name) in a sliding window; locked out above `max`. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** seconds to wait, or 0 when allowed */
  retryAfter(keys: string[]): number {
    const t = this.now();
    let wait = 0;
    for (const k of keys) {
      const recent = (this.failures.get(k) ?? []).filter((x) => x > t - this.windowMs);
      this.failures.set(k, recent);
      const oldest = recent[0];
      if (recent.length >= this.max && oldest !== undefined) wait = Math.max(wait, Math.ceil((oldest + this.windowMs - t) / 1000));
    }
    return wait;
  }

  fail(keys: string[]): void {
    for (const k of keys) this.failures.set(k, [...(this.failures.get(k) ?? []), this.now()]);
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}
