/**
 * The safety net every directory store shares: read the stored version every `checkEveryMs` and
 * report it when it differs from the last one seen. A store that can push (PostgreSQL NOTIFY)
 * reports what it hears through `report`, so the check starts again from there.
 */
import type { DirectoryWatch, WatchOptions } from './ports.js';

export class VersionCheck implements DirectoryWatch {
  private last: number | undefined;
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

  /** A version learnt otherwise (a notification): passed on, and the check continues from it. */
  report(version: number): void {
    if (this.closed || !Number.isFinite(version)) return;
    this.last = version;
    this.onChange(version);
  }

  /** Reads the version now; passes it on when it moved, or always with `force` (after a reconnect). */
  check(force = false): Promise<void> {
    this.running ??= this.read()
      .then((v) => {
        if (force || v !== this.last) this.report(v);
      })
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
