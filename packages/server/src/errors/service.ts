/**
 * Errors grouped by fingerprint for a time range, from the stored events: the mini-program's
 * `js_error` (source `client`) or the failing cloud-function invocations and database requests
 * (source `server`). Reads the events once (for `server`, the failures only), up to a cap (reported
 * as `truncated`); first and last seen are the server-corrected event time `t`. Old events without
 * a fingerprint are grouped by a key derived from `type: message`.
 */
import { createHash } from 'node:crypto';
import { EVENT_CATEGORY } from '@mgops/protocol';
import type { FoundEvent } from '../storage/rows.js';
import { RANGE_SCAN_BATCHES, type Store } from '../storage/store.js';

export const ERROR_SOURCES = ['client', 'server'] as const;
export type ErrorSource = (typeof ERROR_SOURCES)[number];

type Crumb = { t: number; c: string; m: string };
type Common = { fingerprint: string; count: number; firstSeen: number; lastSeen: number; message: string; stack?: string; releases: string[] };
export type ClientErrorGroup = Common & { kind: string; page?: string; breadcrumbs?: Crumb[] };
export type ServerErrorGroup = Common & { where: string; errorType?: string; code?: string | number };
export type ErrorsAnswer<G = ClientErrorGroup | ServerErrorGroup> = { source: ErrorSource; from: number; to: number; events: number; truncated: boolean; groups: G[] };

/** The most events one answer reads; beyond it the oldest are left out and the answer says so. */
export const MAX_ERROR_EVENTS = 50_000;
/** The most distinct releases listed per group. */
const MAX_RELEASES = 5;

/** The fingerprint of an error without one: a short hash of `type: message`. */
export const fallbackFingerprint = (type: string | undefined, message: string | undefined): string =>
  createHash('sha1').update(`${type ?? ''}: ${message ?? ''}`).digest('hex').slice(0, 16);

/** What one event adds to its group: the key, and the fields the latest event gives. */
type Entry<G> = { key: string; latest: Omit<G, keyof Common> & Pick<Common, 'fingerprint' | 'message' | 'stack'> };

const SOURCES = {
  client: { types: ['js_error'], categories: [EVENT_CATEGORY.js_error] },
  server: { types: ['function_invocation', 'db_query'], categories: [EVENT_CATEGORY.function_invocation, EVENT_CATEGORY.db_query] },
} as const;

function clientEntry(e: FoundEvent): Entry<ClientErrorGroup> | null {
  if (e.type !== 'js_error') return null;
  const fingerprint = e.fingerprint ?? fallbackFingerprint(e.kind, e.message);
  return { key: fingerprint, latest: { fingerprint, message: e.message, kind: e.kind, ...(e.stack ? { stack: e.stack } : {}), ...(e.page ? { page: e.page } : {}), ...(e.breadcrumbs ? { breadcrumbs: e.breadcrumbs } : {}) } };
}

function serverEntry(e: FoundEvent): Entry<ServerErrorGroup> | null {
  if ((e.type !== 'function_invocation' && e.type !== 'db_query') || e.ok || !e.error) return null;
  // the collector fills `error.fingerprint`; events stored before it did have none
  const error = e.error as typeof e.error & { fingerprint?: string };
  const where = e.type === 'function_invocation' ? `fn:${e.fn}` : `db:${e.collection}`;
  const fingerprint = error.fingerprint ?? fallbackFingerprint(error.type, error.message);
  const latest = { fingerprint, where, message: error.message ?? '', ...(error.type ? { errorType: error.type } : {}), ...(error.code !== undefined ? { code: error.code } : {}), ...(error.stack ? { stack: error.stack } : {}) };
  return { key: `${e.type}\u0000${where}\u0000${fingerprint}`, latest };
}

/** Groups the entries: counts, first and last seen, the latest event's fields, distinct releases; most frequent first. */
function group<G extends Common>(found: FoundEvent[], entry: (e: FoundEvent) => Entry<G> | null, limit: number): G[] {
  const groups = new Map<string, G>();
  for (const e of found) {
    const x = entry(e);
    if (!x) continue;
    let g = groups.get(x.key);
    if (!g) groups.set(x.key, (g = { ...x.latest, count: 0, firstSeen: e.t, lastSeen: e.t, releases: [] } as unknown as G));
    g.count++;
    if (e.t < g.firstSeen) g.firstSeen = e.t;
    if (e.t > g.lastSeen) Object.assign(g, x.latest, { lastSeen: e.t });
    if (e.release && g.releases.length < MAX_RELEASES && !g.releases.includes(e.release)) g.releases.push(e.release);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen).slice(0, limit);
}

export class ErrorService {
  constructor(
    private readonly store: Store,
    private readonly maxEvents = MAX_ERROR_EVENTS,
  ) {}

  async groups(source: ErrorSource, o: { from: number; to: number; app?: string; limit?: number }): Promise<ErrorsAnswer> {
    const { types, categories } = SOURCES[source];
    const found = await this.store.findEvents({ from: o.from, to: o.to, types: [...types], categories: [...categories], limit: this.maxEvents, maxBatches: RANGE_SCAN_BATCHES, ...(source === 'server' ? { failedOnly: true } : {}), ...(o.app ? { app: o.app } : {}) });
    const limit = o.limit ?? 50;
    return {
      source,
      from: o.from,
      to: o.to,
      events: found.length,
      truncated: found.length >= this.maxEvents,
      groups: source === 'client' ? group(found, clientEntry, limit) : group(found, serverEntry, limit),
    };
  }
}
