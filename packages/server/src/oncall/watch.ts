/**
 * The safety net every directory store shares: read the stored version every `checkEveryMs` and
 * report it (the subscriber compares it with the version it loaded, so a reload that failed is
 * tried again at the next check). A store that can push (PostgreSQL NOTIFY) reports what it hears
 * through `report`, and calls `check` after its listening connection came back.
 */
import type { DirectoryWatch, WatchOptions } from './ports.js';

export class VersionCheck implements DirectoryWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly read: () => Promise<number>,
    private readonly onChange: (version: number) => void,
    private readonly opts: WatchOptions,
  ) {
    this.schedule(0);
  }

  /** A version learnt otherwise (a notification): passed on. */
  report(version: number): void {
    if (!this.closed && Number.isFinite(version)) this.onChange(version);
  }

  /** Reads the stored version now and passes it on (after the read in flight, if any: it may predate the caller's reason). */
  check(): Promise<void> {
    if (this.running) return this.running.then(() => this.check());
    this.running = this.read()
      .then((v) => this.report(v))
      .catch((e: unknown) => {
        if (!this.closed) this.opts.onError?.(`directory version check failed: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.check().then(() => this.schedule(this.opts.checkEveryMs)), ms);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
