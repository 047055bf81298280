/** Deletes what is past its retention (SPEC.md §5), once at start and then every hour. */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Store } from '../storage/store.js';
import type { Clock } from '../util/clock.js';
import { parseDuration } from '../util/duration.js';

export class RetentionJob {
  private first: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async runOnce() {
    const now = this.clock.now();
    const r = this.config.retention;
    const before = {
      business: now - parseDuration(r.business),
      system: now - parseDuration(r.system),
      security: now - parseDuration(r.security),
      exception: now - parseDuration(r.exception),
    };
    // idempotency keys are kept one day longer than the oldest event the collector accepts
    const dedupBefore = now - parseDuration(this.config.ingest.maxEventAge) - 86_400_000;
    const res = await this.store.prune(before, dedupBefore, now - parseDuration(r.rollups));
    if (res.batches + res.rollups > 0) this.logger.info(res, 'retention: pruned');
    return res;
  }

  start(): void {
    const run = () => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((err: unknown) => this.logger.error({ err }, 'retention failed'))
        .finally(() => (this.running = null));
    };
    this.first = setTimeout(run, 10_000);
    this.first.unref();
    this.timer = setInterval(run, 3_600_000);
    this.timer.unref();
  }

  /** Stops both timers and waits for a pass in progress, so storage can close after it. */
  async stop(): Promise<void> {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    this.first = this.timer = null;
    await this.running;
  }
}
