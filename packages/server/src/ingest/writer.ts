/**
 * Group commit: batches accepted by concurrent requests are written together in one transaction,
 * and each request is answered only after its transaction committed (durable acknowledgement).
 * The queue is bounded in events; beyond it the collector answers 429 instead of growing memory.
 */
import type { BatchWrite, CommitResult, Store } from '../storage/store.js';
import { ApiError } from '../util/errors.js';

type Pending = { batch: BatchWrite; resolve: (r: CommitResult) => void; reject: (e: unknown) => void };

export type CommittedBatch = { write: BatchWrite; result: CommitResult };
export type CommitListener = (batches: CommittedBatch[]) => void;

export class IngestWriter {
  private queue: Pending[] = [];
  private queuedEvents = 0;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly listeners: CommitListener[] = [];

  constructor(
    private readonly store: Pick<Store, 'commit'>,
    private readonly maxQueuedEvents: number,
    private readonly maxEventsPerCommit = 20_000,
    private readonly observeCommit: (ms: number, events: number) => void = () => {},
  ) {}

  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  get depth(): number {
    return this.queuedEvents;
  }

  enqueue(batch: BatchWrite): Promise<CommitResult> {
    if (this.closed) return Promise.reject(new ApiError('OVERLOADED', 'the collector is shutting down', undefined, 2));
    if (this.queuedEvents + batch.events.length > this.maxQueuedEvents) {
      return Promise.reject(new ApiError('OVERLOADED', 'the collector is overloaded; retry later', undefined, 1));
    }
    this.queuedEvents += batch.events.length;
    return new Promise<CommitResult>((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      if (!this.running) this.running = this.drain();
    });
  }

  private async drain(): Promise<void> {
    // let the requests that arrive in the same turn join this commit
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      let events = 0;
      let n = 0;
      while (n < this.queue.length && (n === 0 || events + this.queue[n]!.batch.events.length <= this.maxEventsPerCommit)) {
        events += this.queue[n]!.batch.events.length;
        n++;
      }
      const take = this.queue.splice(0, n);
      const started = performance.now();
      try {
        const results = await this.store.commit(take.map((p) => p.batch));
        this.observeCommit(performance.now() - started, events);
        const committed = take.map((p, i) => ({ write: p.batch, result: results[i]! }));
        for (const l of this.listeners) {
          try {
            l(committed);
          } catch {
            // a listener's fault must not fail an acknowledged commit
          }
        }
        take.forEach((p, i) => p.resolve(results[i]!));
      } catch (e) {
        for (const p of take) p.reject(e);
      } finally {
        this.queuedEvents -= events;
          }
    }
    this.running = null;
  }

  /** Stops accepting and waits until everything queued is committed. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
  }
}
