/**
 * The bounded event queue: limited in entries, bytes and age. When full, the oldest low-priority
 * event goes first; a high-priority event (errors, crashes, SOS, business) only ever displaces
 * another one when nothing of lower priority is left. Events keep their JSON text, so a batch body
 * is a join and persistence is one line per event.
 */
import type { MgEvent, QueueLimits } from './types.js';

export interface QueueItem {
  /** event id */
  id: string;
  /** priority: 2 keep first, 1 the rest */
  p: 1 | 2;
  /** enqueued at (ms epoch) */
  t: number;
  /** the event's JSON text */
  s: string;
  /** UTF-8 bytes of `s` */
  b: number;
  /** in flight: not taken again, not evicted */
  f?: boolean;
}

export function utf8Length(s: string): number {
  let n = s.length;
  if (!/[^\0-\x7f]/.test(s)) return n;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) n += c > 0x7ff && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

export function makeItem(event: MgEvent, p: 1 | 2, now: number): QueueItem {
  const s = JSON.stringify(event);
  return { id: event.id, p, t: now, s, b: utf8Length(s) };
}

export interface BoundedQueue {
  size_(): number;
  /** Adds the item; returns how many events were lost (evicted, or the item itself refused). */
  add_(item: QueueItem): number;
  /** Drops idle items older than maxAgeMs; returns how many. */
  expire_(now: number): number;
  /** How many items are idle (not in flight), counting no further than `max`. */
  idle_(max?: number): number;
  /** Takes up to `count` idle items within `maxBytes` (high priority first, then oldest), marking them in flight. */
  take_(count: number, maxBytes: number): QueueItem[];
  release_(items: QueueItem[]): void;
  /** Removes these items (all when none are given); returns how many were removed. */
  remove_(items?: QueueItem[]): number;
  /** Puts stored items (one line each, as `serialize` wrote them) before the current ones, skipping
   * damaged lines and ids already queued; returns how many were lost to the limits. */
  load_(text: string): number;
  /** One line per item: `t p json` (JSON text never contains a raw newline); at most `max`, high priority first. */
  serialize_(max: number): string;
}

const order = (a: QueueItem, b: QueueItem): number => b.p - a.p || a.t - b.t;

export function boundedQueue(limits: QueueLimits): BoundedQueue {
  let items: QueueItem[] = [];
  let bytes = 0;
  const idle = (): QueueItem[] => items.filter((it) => !it.f);
  const remove = (list?: QueueItem[]): number => {
    const n = items.length;
    if (list && !list.length) return 0;
    items = list ? items.filter((it) => list.indexOf(it) < 0) : [];
    bytes = 0;
    for (const it of items) bytes += it.b;
    return n - items.length;
  };
  const add = (item: QueueItem): number => {
    let lost = 0;
    while (items.length >= limits.maxEntries || bytes + item.b > limits.maxBytes) {
      // the oldest idle item of the lowest priority, never one of higher priority than the new one
      let victim: QueueItem | undefined;
      for (const it of items) if (!it.f && it.p <= item.p && (!victim || it.p < victim.p)) victim = it;
      if (!victim) return lost + 1;
      // one splice, not a filter of the whole queue: an error storm evicts once per event
      items.splice(items.indexOf(victim), 1);
      bytes -= victim.b;
      lost++;
    }
    items.push(item);
    bytes += item.b;
    return lost;
  };

  return {
    size_: () => items.length,
    add_: add,
    expire_: (now) => remove(idle().filter((it) => it.t < now - limits.maxAgeMs)),
    idle_(max) {
      let n = 0;
      for (const it of items) if (!it.f && ++n === max) break;
      return n;
    },
    take_(count, maxBytes) {
      const out: QueueItem[] = [];
      let sum = 0;
      for (const it of idle().sort(order)) {
        if (out.length >= count) break;
        if (sum + it.b + 1 > maxBytes) {
          if (!out.length) out.push(it); // an oversize single is handled by the caller
          break;
        }
        out.push(it);
        sum += it.b + 1;
      }
      for (const it of out) it.f = true;
      return out;
    },
    release_(list) {
      for (const it of list) it.f = false;
    },
    remove_: remove,
    load_(text) {
      const current = items;
      const known: Record<string, 1> = {};
      for (const it of current) known[it.id] = 1;
      items = [];
      bytes = 0;
      let lost = 0;
      for (const line of text.split('\n')) {
        const a = line.indexOf(' ');
        const b = line.indexOf(' ', a + 1);
        const t = +line.slice(0, a);
        const s = line.slice(b + 1);
        let id: unknown;
        try {
          id = (JSON.parse(s) as { id?: unknown }).id;
        } catch {
          continue;
        }
        if (a < 0 || b < 0 || typeof id !== 'string' || known[id] || !isFinite(t)) continue;
        known[id] = 1;
        lost += add({ id, p: line.slice(a + 1, b) === '2' ? 2 : 1, t, s, b: utf8Length(s) });
      }
      for (const it of current) lost += add(it);
      return lost;
    },
    serialize_: (max) =>
      items
        .slice()
        .sort(order)
        .slice(0, max)
        .map((it) => it.t + ' ' + it.p + ' ' + it.s)
        .join('\n'),
  };
}
