/**
 * In-memory ports for tests (of the core and of every platform SDK): a storage with an optional
 * quota that throws like a full device, and a manual clock whose timers run when time advances.
 */
import type { Clock, StoragePort } from './types.js';

export interface MemoryStorage extends StoragePort {
  data: Map<string, string>;
  /** total characters allowed (keys + values); a set beyond it throws */
  quota: number;
  writes: number;
}

export function memoryStorage(quota = Infinity): MemoryStorage {
  const data = new Map<string, string>();
  const s: MemoryStorage = {
    data,
    quota,
    writes: 0,
    get: (k) => data.get(k),
    set(k, v) {
      let used = 0;
      for (const [key, val] of data) if (key !== k) used += key.length + val.length;
      if (used + k.length + v.length > s.quota) throw new Error('setStorageSync:fail exceed storage max size');
      data.set(k, v);
      s.writes++;
    },
    remove: (k) => void data.delete(k),
  };
  return s;
}

export interface ManualClock extends Clock {
  /** Moves time forward, running due timers in order and letting promises settle between them. */
  advance(ms: number): Promise<void>;
  /** Lets pending promises settle without moving time. */
  tick(): Promise<void>;
  pending(): number;
  set(nowMs: number): void;
}

export function manualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void; seq: number }>();
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms || 0), fn, seq: id });
      return id;
    },
    clearTimeout(h) {
      if (typeof h === 'number') timers.delete(h);
    },
    async advance(ms) {
      const end = now + ms;
      await settle();
      for (;;) {
        let next: { at: number; fn: () => void; seq: number } | undefined;
        let nextId = 0;
        for (const [id, t] of timers) {
          if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) {
            next = t;
            nextId = id;
          }
        }
        if (!next) break;
        timers.delete(nextId);
        if (next.at > now) now = next.at;
        next.fn();
        await settle();
      }
      now = end;
      await settle();
    },
    tick: settle,
    pending: () => timers.size,
    set(n) {
      now = n;
    },
  };
}
