/**
 * The one port between the instrumentation and delivery. Wrappers only ever `capture` protocol
 * events; the sink (sdk-core's client in production, `MemorySink` in tests) owns ids, batching,
 * the bounded queue, retries and drop accounting.
 */
import type { MgEvent } from '@mgops/protocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as captured: `id` and `ts` may be left to the sink. */
export type EventInput = DistributiveOmit<MgEvent, 'id' | 'ts'> & { id?: string; ts?: number };

export interface EventSink {
  /** Queue one event. Must never throw into the caller. */
  capture(event: EventInput): void;
  /** Try to deliver what is queued within `timeoutMs`; resolves true when nothing is left. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Stop timers and try a last delivery (long-running services). */
  close?(timeoutMs: number): Promise<boolean>;
  /** Forget a retry back-off (an instance thawed after a freeze tries again at once). */
  resetBackoff?(): void;
}

/** Keeps every event in memory: the in-memory implementation for unit tests. */
export class MemorySink implements EventSink {
  readonly events: EventInput[] = [];
  flushes = 0;

  capture(event: EventInput): void {
    this.events.push(event);
  }

  async flush(): Promise<boolean> {
    this.flushes++;
    return true;
  }

  ofType<T extends EventInput['type']>(type: T): Extract<EventInput, { type: T }>[] {
    return this.events.filter((e): e is Extract<EventInput, { type: T }> => e.type === type);
  }

  clear(): void {
    this.events.length = 0;
  }
}

/** Drops everything: what the SDK uses before `init`. */
export const NOOP_SINK: EventSink = {
  capture() {},
  async flush() {
    return true;
  },
};
