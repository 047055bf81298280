/**
 * Dashboard users and API tokens, kept in the platform store's key-value table (`auth:users`),
 * so the CLI can manage them with the server stopped or running. Passwords and tokens are stored
 * as scrypt / SHA-256 hashes only.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../storage/store.js';
import { generatePassword, hashPassword, verifyPassword } from './password.js';
import type { Role } from './roles.js';

export type User = { name: string; role: Role; passwordHash: string; createdAt: number; mustChange?: boolean };
export type ApiToken = { id: string; name: string; role: Role; hash: string; createdAt: number };
type Doc = { users: User[]; tokens: ApiToken[] };

const KEY = 'auth:users';
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
export const NAME_PATTERN = /^[\w.@-]{1,64}$/;

export class Users {
  constructor(private readonly store: Store) {}

  private async load(): Promise<Doc> {
    const raw = await this.store.getKv(KEY);
    if (!raw) return { users: [], tokens: [] };
    const d = JSON.parse(raw) as Partial<Doc>;
    return { users: d.users ?? [], tokens: d.tokens ?? [] };
  }

  private async save(d: Doc): Promise<void> {
    await this.store.setKv(KEY, JSON.stringify(d));
  }

  async list(): Promise<Omit<User, 'passwordHash'>[]> {
    return (await this.load()).users.map(({ passwordHash: _h, ...u }) => u);
  }

  async count(): Promise<number> {
    return (await this.load()).users.length;
  }

  /** Creates (or resets) a user; returns the password (generated when not given). */
  async upsert(name: string, role: Role, password?: string, now = Date.now()): Promise<string> {
    if (!NAME_PATTERN.test(name)) throw new Error(`invalid user name '${name}' (letters, digits, . _ @ -)`);
    if (password !== undefined && password.length < 10) throw new Error('password must have at least 10 characters');
    const pw = password ?? generatePassword();
    const d = await this.load();
    const user: User = { name, role, passwordHash: await hashPassword(pw), createdAt: now, ...(password === undefined ? { mustChange: true } : {}) };
    d.users = [...d.users.filter((u) => u.name !== name), user];
    await this.save(d);
    return pw;
  }

  async remove(name: string): Promise<boolean> {
    const d = await this.load();
    const before = d.users.length;
    d.users = d.users.filter((u) => u.name !== name);
    await this.save(d);
    return d.users.length < before;
  }

  async verify(name: string, password: string): Promise<Omit<User, 'passwordHash'> | null> {
    const u = (await this.load()).users.find((x) => x.name === name);
    // verify against a dummy hash when the user is unknown, so timing does not reveal names
    const ok = await verifyPassword(password, u?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    if (!u || !ok) return null;
    const { passwordHash: _h, ...rest } = u;
    return rest;
  }

  /** An API token for automation (`Authorization: Bearer mgt_…`); shown once. */
  async createToken(name: string, role: Role, now = Date.now()): Promise<{ id: string; token: string }> {
    const id = 't' + randomBytes(4).toString('hex');
    const token = `mgt_${id}_${randomBytes(24).toString('base64url')}`;
    const d = await this.load();
    d.tokens.push({ id, name, role, hash: sha(token), createdAt: now });
    await this.save(d);
    return { id, token };
  }

  async findToken(token: string): Promise<ApiToken | null> {
    const h = sha(token);
    return (await this.load()).tokens.find((t) => t.hash === h) ?? null;
  }
}
