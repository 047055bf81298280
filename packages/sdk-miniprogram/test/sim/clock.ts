/**
 * Virtual time for the simulation. Timers run when time is advanced; between two timers the
 * clock waits for real I/O (HTTP to 127.0.0.1) to settle, so a request the SDK sends at a timer
 * gets its answer before virtual time moves on. Requests the local servers hold unanswered on
 * purpose are not waited for; any other request is waited for up to `ioPatienceMs` of real time
 * (a safety net for a slow machine).
 */
import type { Clock } from '@mgops/sdk-core';
import { hanging } from './servers.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class SimClock implements Clock {
  private t: number;
  private seq = 0;
  private timers = new Map<number, Timer>();
  /** real I/O in progress: id → real start time */
  private io = new Map<number, number>();
  private ioSeq = 0;

  constructor(
    start = Date.UTC(2025, 0, 6, 1, 0, 0),
    private ioPatienceMs = 5000,
  ) {
    this.t = start;
  }

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, Number(ms) || 0), seq: id, fn });
    return id;
  };

  clearTimeout = (h: unknown): void => {
    if (typeof h === 'number') this.timers.delete(h);
  };

  /** Marks real I/O started; call the returned function when it has finished. */
  ioStart(): () => void {
    const id = ++this.ioSeq;
    this.io.set(id, Date.now());
    return () => void this.io.delete(id);
  }

  /** Waits (real time) until no I/O is pending, except I/O older than the patience. */
  async settle(): Promise<void> {
    for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
    for (;;) {
      const cutoff = Date.now() - this.ioPatienceMs;
      let busy = 0;
      for (const started of this.io.values()) if (started > cutoff) busy++;
      if (busy <= hanging.count) break;
      await new Promise<void>((r) => setTimeout(r, 2));
    }
    for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** Moves virtual time forward by `ms`, running due timers in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.settle();
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.timers.values()) if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.timers.delete(next.seq);
      if (next.at > this.t) this.t = next.at;
      next.fn();
      await this.settle();
    }
    this.t = end;
    await this.settle();
  }

  /** Runs time forward, timer by timer, until the promise settles (the promise must depend on timers). */
  async until<T>(p: Promise<T>): Promise<T> {
    let done = false;
    const watched = p.finally(() => (done = true));
    await this.settle();
    while (!done) {
      let next = Infinity;
      for (const t of this.timers.values()) next = Math.min(next, t.at);
      if (next === Infinity) throw new Error('SimClock.until: nothing scheduled and the promise is still pending');
      await this.advance(Math.max(0, next - this.t));
    }
    return watched;
  }

  pendingTimers(): number {
    return this.timers.size;
  }
}
