/**
 * Ingest keys: created by the CLI (`mgops keys create --app ID`), shown once, stored only as a
 * SHA-256 hash. Lookups are cached briefly so a key check costs no query on the hot path.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KeyRecord, Store } from '../storage/store.js';
import type { Clock } from '../util/clock.js';

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createKey(store: Store, app: string, now: number, note?: string): Promise<{ key: string; record: KeyRecord }> {
  const key = `mgk_${randomBytes(24).toString('base64url')}`;
  const record: KeyRecord = {
    id: randomBytes(6).toString('hex'),
    app,
    hash: hashKey(key),
    prefix: key.slice(0, 10),
    createdAt: now,
    revokedAt: null,
    note: note ?? null,
  };
  await store.insertKey(record);
  return { key, record };
}

const TTL = 30_000;

export class KeyCache {
  private readonly cache = new Map<string, { rec: KeyRecord | null; until: number }>();
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The app a valid key belongs to, or null. */
  async appOf(key: string): Promise<string | null> {
    if (key.length < 10 || key.length > 128) return null;
    const h = hashKey(key);
    const now = this.clock.now();
    const hit = this.cache.get(h);
    if (hit && hit.until > now) return hit.rec && hit.rec.revokedAt === null ? hit.rec.app : null;
    const rec = await this.store.findKeyByHash(h);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(h, { rec, until: now + (rec ? TTL : 2000) });
    return rec && rec.revokedAt === null ? rec.app : null;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
