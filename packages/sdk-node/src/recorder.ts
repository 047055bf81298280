/**
 * The recorder every wrapper writes through: stamps events, pseudonymises user ids, never throws
 * into the host, and bounds every flush by a time budget.
 */
import { NOOP_SINK, type EventInput, type EventSink } from './sink.js';
import { makePseudonymiser, type Pseudonymise } from './privacy.js';

export interface RecorderOptions {
  sink?: EventSink;
  /** secret for keyed user pseudonyms; without it no user id leaves the process */
  pseudonymKey?: string;
  /** called (never with event contents) when the SDK swallowed one of its own faults */
  onInternalError?: (err: unknown) => void;
}

export class Recorder {
  sink: EventSink;
  readonly pseudonym: Pseudonymise;
  internalErrors = 0;
  private readonly onInternalError: ((err: unknown) => void) | undefined;

  constructor(options: RecorderOptions = {}) {
    this.sink = options.sink ?? NOOP_SINK;
    this.pseudonym = makePseudonymiser(options.pseudonymKey);
    this.onInternalError = options.onInternalError;
  }

  /** Captures one event; any fault is counted and swallowed. */
  emit(event: EventInput): void {
    try {
      if (event.ts === undefined) event.ts = Date.now();
      this.sink.capture(event);
    } catch (err) {
      this.fault(err);
    }
  }

  /** Runs `fn`, counting and swallowing anything it throws. */
  /** A cloud-function instance thawed for a new invocation: its wall-clock back-off is stale. */
  resetBackoff(): void {
    this.guard(() => this.sink.resetBackoff?.());
  }

  guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fault(err);
    }
  }

  fault(err: unknown): void {
    this.internalErrors++;
    try {
      this.onInternalError?.(err);
    } catch {
      // the diagnostics hook itself must not break the host either
    }
  }

  /** Flushes within `budgetMs` at most; resolves true when everything was delivered. Never rejects. */
  flush(budgetMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<boolean>((resolve) => {
      // not unref'd: whoever awaits the flush must get an answer within the budget
      timer = setTimeout(() => resolve(false), Math.max(0, budgetMs));
    });
    let sent: Promise<boolean>;
    try {
      sent = this.sink.flush(budgetMs).then(
        (ok) => ok,
        (err: unknown) => {
          this.fault(err);
          return false;
        },
      );
    } catch (err) {
      this.fault(err);
      sent = Promise.resolve(false);
    }
    return Promise.race([sent, budget]).finally(() => clearTimeout(timer));
  }
}
