/**
 * Authentication for the dashboard and its APIs: login/logout/me, session cookies (HttpOnly,
 * SameSite=Strict, Secure behind https), CSRF tokens on state-changing requests, a login rate
 * limit, API tokens for automation and a permission check per role. Ingest (`POST /api/v1/events`,
 * key-authenticated), `/healthz`, `/readyz`, `/metrics` and the signed `/ack/*` links stay open.
 * `mode: 'off'` (tests only) is refused unless the server binds to loopback, and logged loudly.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Platform, PlatformPlugin } from '../app.js';
import { ApiError } from '../util/errors.js';
import { can, isRole, permissionsOf, requiredPermission, ROLES, type Role } from './roles.js';
import { LoginLimiter, parseCookies, sameToken, Sessions } from './sessions.js';
import { NAME_PATTERN, Users } from './users.js';
import { describe, object } from '../api/docs.js';

export const COOKIE = 'mgops_session';
export type Principal = { user: string; role: Role; csrf: string | null; via: 'session' | 'token' | 'off' };
export type AuthOptions = {
  mode?: 'on' | 'off';
  sessionTtlMs?: number;
  onFirstAdmin?: (name: string, password: string) => void;
  /** requests carrying this value in x-mgops-internal are the server's own (live updates) */
  internalSecret?: string;
};

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export type Auth = { principalOf: (req: FastifyRequest) => Promise<Principal | null> };

export function authPlugin(o: AuthOptions = {}): PlatformPlugin {
  return async (p) => {
    await installAuth(p, o);
  };
}

/** Installs authentication on the platform and returns the session check (for long-lived streams). */
export async function installAuth(p: Platform, o: AuthOptions = {}): Promise<Auth> {
  const mode = o.mode ?? 'on';
  if (mode === 'off') {
    if (!LOOPBACK.has(p.config.server.host)) throw new Error(`--auth off is only allowed on a loopback address, not '${p.config.server.host}'`);
    p.logger.warn('AUTHENTICATION IS OFF (--auth off): every dashboard API is open to anyone on this machine. Use only for tests.');
    console.error('*** WARNING: authentication is OFF (--auth off) — tests only, loopback only ***');
  }
  const users = new Users(p.store);
  if (mode === 'on' && (await users.count()) === 0) {
    const password = await users.upsert('admin', 'admin');
    p.logger.warn({ user: 'admin' }, 'no users yet: created the first admin with a one-time password (printed on the console)');
    (o.onFirstAdmin ?? ((n, pw) => console.log(`\n*** First admin created: user '${n}', one-time password: ${pw}\n*** Change it with: mgops users create --name ${n} --role admin --password …\n`)))('admin', password);
  }
  const now = () => p.clock.now();
  const sessions = new Sessions(o.sessionTtlMs ?? 12 * 3_600_000, now);
  const limiter = new LoginLimiter(5, 60_000, now);
  const secureCookie = (req: FastifyRequest) => req.protocol === 'https' || p.config.server.publicUrl.startsWith('https://');
  const setCookie = (req: FastifyRequest, reply: FastifyReply, value: string, maxAge: number) =>
    reply.header('set-cookie', `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secureCookie(req) ? '; Secure' : ''}`);

  async function principalOf(req: FastifyRequest): Promise<Principal | null> {
    if (mode === 'off') return { user: 'auth-off', role: 'admin', csrf: null, via: 'off' };
    const internal = req.headers['x-mgops-internal'];
    if (o.internalSecret && typeof internal === 'string' && sameToken(internal, o.internalSecret)) return { user: 'internal', role: 'viewer', csrf: null, via: 'token' };
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const t = await users.findToken(auth.slice(7).trim());
      return t ? { user: t.name, role: t.role, csrf: null, via: 'token' } : null;
    }
    const s = sessions.get(parseCookies(req.headers.cookie)[COOKIE]);
    return s ? { user: s.user, role: s.role, csrf: s.csrf, via: 'session' } : null;
  }

  p.app.addHook('onRequest', async (req) => {
    // the matched route pattern, so encodings and trailing slashes cannot dodge the check
    const path = req.routeOptions.url ?? req.url.split('?')[0] ?? '';
    const perm = requiredPermission(req.method, path);
    if (!perm) return;
    const who = await principalOf(req);
    if (!who) throw new ApiError('UNAUTHORIZED', 'log in first (or send an API token)');
    const write = req.method !== 'GET' && req.method !== 'HEAD';
    if (write && who.via === 'session' && !sameToken(req.headers['x-csrf-token'] as string | undefined, who.csrf ?? '')) {
      throw new ApiError('FORBIDDEN', 'missing or wrong CSRF token (x-csrf-token)', 'x-csrf-token');
    }
    if (!can(who.role, perm)) throw new ApiError('FORBIDDEN', `role '${who.role}' may not ${perm}`);
    req.principal = who;
  });
  // who acknowledges, resolves or silences is the logged-in person, not what the body claims
  p.app.addHook('preHandler', async (req) => {
    const path = req.routeOptions.url ?? '';
    if (req.principal && req.method === 'POST' && (/^\/api\/alerts\/:id\/(ack|resolve)$/.test(path) || path === '/api/silences')) {
      const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
      req.body = { ...body, by: req.principal.via === 'off' && typeof body.by === 'string' ? body.by : req.principal.user };
    }
  });

  p.app.post('/api/auth/login', describe('auth', 'Log in: sets the session cookie, answers the CSRF token and permissions (5 failures a minute per IP and user, then 429)', { auth: 'public', body: object({ name: { type: 'string' }, password: { type: 'string' } }, ['name', 'password']) }), async (req, reply) => {
    const b = (req.body ?? {}) as { name?: unknown; password?: unknown };
    const name = typeof b.name === 'string' ? b.name.slice(0, 64) : '';
    const keys = [`ip:${req.ip}`, `user:${name}`];
    const wait = limiter.retryAfter(keys);
    if (wait > 0) throw new ApiError('RATE_LIMITED', `too many failed logins; try again in ${wait} s`, undefined, wait);
    const user = typeof b.password === 'string' && name ? await users.verify(name, b.password) : null;
    if (!user) {
      limiter.fail(keys);
      p.logger.warn({ user: name, ip: req.ip }, 'dashboard login failed');
      throw new ApiError('UNAUTHORIZED', 'wrong user name or password');
    }
    limiter.succeed(keys);
    const s = sessions.create(user.name, user.role);
    setCookie(req, reply, s.id, Math.floor((o.sessionTtlMs ?? 12 * 3_600_000) / 1000));
    return { user: user.name, role: user.role, csrf: s.csrf, permissions: permissionsOf(user.role), mustChange: user.mustChange === true };
  });

  p.app.post('/api/auth/logout', describe('auth', 'Log out: ends the session and clears the cookie', { auth: 'optionalSession' }), async (req, reply) => {
    const id = parseCookies(req.headers.cookie)[COOKIE];
    const s = sessions.get(id);
    if (s && !sameToken(req.headers['x-csrf-token'] as string | undefined, s.csrf)) throw new ApiError('FORBIDDEN', 'missing or wrong CSRF token', 'x-csrf-token');
    if (id) sessions.drop(id);
    setCookie(req, reply, '', 0);
    return { ok: true };
  });

  p.app.post('/api/auth/password', describe('auth', 'Change your own password', { auth: 'session', body: object({ current: { type: 'string' }, next: { type: 'string', minLength: 10 } }, ['current', 'next']) }), async (req) => {
    const s = sessions.get(parseCookies(req.headers.cookie)[COOKIE]);
    if (!s) throw new ApiError('UNAUTHORIZED', 'log in first');
    if (!sameToken(req.headers['x-csrf-token'] as string | undefined, s.csrf)) throw new ApiError('FORBIDDEN', 'missing or wrong CSRF token', 'x-csrf-token');
    const b = (req.body ?? {}) as { current?: unknown; next?: unknown };
    if (typeof b.next !== 'string' || b.next.length < 10) throw new ApiError('INVALID_FIELD', 'the new password needs at least 10 characters', 'next');
    const user = typeof b.current === 'string' ? await users.verify(s.user, b.current) : null;
    if (!user) throw new ApiError('FORBIDDEN', 'the current password is wrong', 'current');
    await users.upsert(user.name, user.role, b.next);
    return { ok: true };
  });

  p.app.get('/api/auth/me', describe('auth', 'Who is signed in: user, role, CSRF token and permissions', { auth: 'user' }), async (req) => {
    const who = await principalOf(req);
    if (!who) throw new ApiError('UNAUTHORIZED', 'not logged in');
    return { user: who.user, role: who.role, csrf: who.csrf, permissions: permissionsOf(who.role), authOff: mode === 'off' };
  });

  p.app.get('/api/settings/users', describe('settings', 'Dashboard users and their roles'), async () => ({ users: await users.list() }));
  p.app.post('/api/settings/users', describe('settings', 'Create a user or reset their password (a one-time password is answered; their sessions end)', { status: 201, body: object({ name: { type: 'string', pattern: NAME_PATTERN.source }, role: { enum: ROLES } }, ['name', 'role']) }), async (req, reply) => {
    const b = (req.body ?? {}) as { name?: unknown; role?: unknown };
    if (typeof b.name !== 'string') throw new ApiError('INVALID_FIELD', 'name is required', 'name');
    if (!isRole(b.role)) throw new ApiError('INVALID_FIELD', 'role must be admin, ops, developer or viewer', 'role');
    let password: string;
    try {
      password = await users.upsert(b.name, b.role);
    } catch (e) {
      throw new ApiError('INVALID_FIELD', (e as Error).message, 'name');
    }
    sessions.dropUser(b.name);
    return reply.code(201).send({ name: b.name, role: b.role, password });
  });
  return { principalOf };
}
