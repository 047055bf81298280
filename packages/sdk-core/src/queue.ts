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

export class BoundedQueue {
  items: QueueItem[] = [];
  bytes = 0;

  constructor(private limits: QueueLimits) {}

  get size(): number {
    return this.items.length;
  }

  /** Adds the item; returns how many events were lost (evicted, or the item itself refused). */
  add(item: QueueItem): number {
    const { maxEntries, maxBytes } = this.limits;
    let lost = 0;
    while (this.items.length >= maxEntries || this.bytes + item.b > maxBytes) {
      const victim = this.victim(item.p);
      if (victim < 0) return lost + 1;
      this.removeAt(victim);
      lost++;
    }
    this.items.push(item);
    this.bytes += item.b;
    return lost;
  }

  /** Index of the oldest idle item of the lowest priority ≤ p, or -1. */
  private victim(p: number): number {
    let best = -1;
    for (let i = 0; i < this.items.length; i++) {
      const it = this.items[i];
      if (!it || it.f || it.p > p) continue;
      const b = best >= 0 ? this.items[best] : undefined;
      if (!b || it.p < b.p) best = i;
    }
    return best;
  }

  private removeAt(i: number): void {
    const it = this.items[i];
    if (!it) return;
    this.bytes -= it.b;
    this.items.splice(i, 1);
  }

  /** Drops idle items older than maxAgeMs; returns how many. */
  expire(now: number): number {
    const min = now - this.limits.maxAgeMs;
    let n = 0;
    for (let i = this.items.length - 1; i >= 0; i--) {
      const it = this.items[i];
      if (it && !it.f && it.t < min) {
        this.removeAt(i);
        n++;
      }
    }
    return n;
  }

  /** Idle items not yet in flight. */
  idleCount(): number {
    let n = 0;
    for (const it of this.items) if (!it.f) n++;
    return n;
  }

  /** Takes up to `count` idle items within `maxBytes` (high priority first, then oldest), marking them in flight. */
  take(count: number, maxBytes: number): QueueItem[] {
    const idle = this.items.filter((it) => !it.f);
    idle.sort((a, b) => b.p - a.p || a.t - b.t);
    const out: QueueItem[] = [];
    let bytes = 0;
    for (const it of idle) {
      if (out.length >= count) break;
      if (bytes + it.b + 1 > maxBytes) {
        if (out.length === 0) out.push(it); // oversize singles are handled by the caller
        break;
      }
      out.push(it);
      bytes += it.b + 1;
    }
    for (const it of out) it.f = true;
    return out;
  }

  release(items: QueueItem[]): void {
    for (const it of items) it.f = false;
  }

  remove(items: QueueItem[]): void {
    if (items.length === 0) return;
    const gone: Record<string, true> = {};
    for (const it of items) gone[it.id] = true;
    const keep: QueueItem[] = [];
    let bytes = 0;
    for (const it of this.items) {
      if (gone[it.id]) continue;
      keep.push(it);
      bytes += it.b;
    }
    this.items = keep;
    this.bytes = bytes;
  }

  /** One line per item: `t p json`. JSON text never contains a raw newline. */
  serialize(max?: number): string {
    const list = max === undefined ? this.items : this.items.slice().sort((a, b) => b.p - a.p || a.t - b.t).slice(0, max);
    let out = '';
    for (const it of list) out += (out ? '\n' : '') + it.t + ' ' + it.p + ' ' + it.s;
    return out;
  }

  /** Parses stored lines; returns the items (unknown ids only), skipping damaged lines. */
  static parse(text: string, known: Record<string, true>): QueueItem[] {
    const out: QueueItem[] = [];
    for (const line of text.split('\n')) {
      const a = line.indexOf(' ');
      const b = line.indexOf(' ', a + 1);
      if (a < 0 || b < 0) continue;
      const t = Number(line.slice(0, a));
      const p = line.slice(a + 1, b) === '2' ? 2 : 1;
      const s = line.slice(b + 1);
      let id: unknown;
      try {
        id = (JSON.parse(s) as { id?: unknown }).id;
      } catch {
        continue;
      }
      if (typeof id !== 'string' || known[id] || !isFinite(t)) continue;
      known[id] = true;
      out.push({ id, p, t, s, b: utf8Length(s) });
    }
    return out;
  }
}
