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
  size(): number;
  /** Adds the item; returns how many events were lost (evicted, or the item itself refused). */
  add(item: QueueItem): number;
  /** Drops idle items older than maxAgeMs; returns how many. */
  expire(now: number): number;
  idle(): number;
  /** Takes up to `count` idle items within `maxBytes` (high priority first, then oldest), marking them in flight. */
  take(count: number, maxBytes: number): QueueItem[];
  release(items: QueueItem[]): void;
  remove(items: QueueItem[]): void;
  /** Removes everything; returns how many were removed. */
  clear(): number;
  ids(): Record<string, true>;
  /** Puts stored items before the current ones; returns how many were lost to the limits. */
  prepend(items: QueueItem[]): number;
  /** One line per item: `t p json` (JSON text never contains a raw newline); at most `max`, high priority first. */
  serialize(max?: number): string;
}

const order = (a: QueueItem, b: QueueItem): number => b.p - a.p || a.t - b.t;

export function boundedQueue(limits: QueueLimits): BoundedQueue {
  let items: QueueItem[] = [];
  let bytes = 0;

  /** Index of the oldest idle item of the lowest priority ≤ p, or -1. */
  const victim = (p: number): number => {
    let best = -1;
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as QueueItem;
      const b = items[best];
      if (!it.f && it.p <= p && (!b || it.p < b.p)) best = i;
    }
    return best;
  };
  const removeAt = (i: number): void => {
    bytes -= (items[i] as QueueItem).b;
    items.splice(i, 1);
  };
  const add = (item: QueueItem): number => {
    let lost = 0;
    while (items.length >= limits.maxEntries || bytes + item.b > limits.maxBytes) {
      const v = victim(item.p);
      if (v < 0) return lost + 1;
      removeAt(v);
      lost++;
    }
    items.push(item);
    bytes += item.b;
    return lost;
  };

  return {
    size: () => items.length,
    add,
    expire(now) {
      const min = now - limits.maxAgeMs;
      let n = 0;
      for (let i = items.length - 1; i >= 0; i--) {
        const it = items[i] as QueueItem;
        if (!it.f && it.t < min) {
          removeAt(i);
          n++;
        }
      }
      return n;
    },
    idle() {
      let n = 0;
      for (const it of items) if (!it.f) n++;
      return n;
    },
    take(count, maxBytes) {
      const idle = items.filter((it) => !it.f).sort(order);
      const out: QueueItem[] = [];
      let sum = 0;
      for (const it of idle) {
        if (out.length >= count) break;
        if (sum + it.b + 1 > maxBytes) {
          if (out.length === 0) out.push(it); // an oversize single is handled by the caller
          break;
        }
        out.push(it);
        sum += it.b + 1;
      }
      for (const it of out) it.f = true;
      return out;
    },
    release(list) {
      for (const it of list) it.f = false;
    },
    remove(list) {
      const gone: Record<string, true> = {};
      for (const it of list) gone[it.id] = true;
      items = items.filter((it) => !gone[it.id]);
      bytes = 0;
      for (const it of items) bytes += it.b;
    },
    clear() {
      const n = items.length;
      items = [];
      bytes = 0;
      return n;
    },
    ids() {
      const known: Record<string, true> = {};
      for (const it of items) known[it.id] = true;
      return known;
    },
    prepend(list) {
      const current = items;
      items = [];
      bytes = 0;
      let lost = 0;
      for (const it of list.concat(current)) lost += add(it);
      return lost;
    },
    serialize(max) {
      const list = max === undefined ? items : items.slice().sort(order).slice(0, max);
      return list.map((it) => it.t + ' ' + it.p + ' ' + it.s).join('\n');
    },
  };
}

/** Parses stored lines into items (ids not in `known` only), skipping damaged lines. */
export function parseQueue(text: string, known: Record<string, true>): QueueItem[] {
  const out: QueueItem[] = [];
  for (const line of text.split('\n')) {
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    if (a < 0 || b < 0) continue;
    const t = Number(line.slice(0, a));
    const s = line.slice(b + 1);
    let id: unknown;
    try {
      id = (JSON.parse(s) as { id?: unknown }).id;
    } catch {
      continue;
    }
    if (typeof id !== 'string' || known[id] || !isFinite(t)) continue;
    known[id] = true;
    out.push({ id, p: line.slice(a + 1, b) === '2' ? 2 : 1, t, s, b: utf8Length(s) });
  }
  return out;
}
