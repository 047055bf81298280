/**
 * Runs the alerting loop on a timer: periodic evaluation of every metric, the per-SOS timers,
 * and `tick()` (escalation, repeats, outbox) — waking early for the next due time, and at once
 * when committed events call for streaming evaluation (an SOS, a security event).
 */
import type { MetricRules } from '../rules/evaluator.js';
import type { SosTimers } from '../rules/sos.js';
import type { Clock } from '../util/clock.js';
import type { NotifyLogger } from '../notify/types.js';
import type { AlertManager } from './manager.js';

export type RunnerOptions = {
  evaluateEveryMs: number;
  maxSleepMs: number;
  minSleepMs: number;
  /** no timer at all: the caller drives `turn()` (tests on a manual clock) */
  manual?: boolean;
};

export class AlertRunner {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private lastEvaluation = -Infinity;
  private pendingMetrics = new Set<string>();
  private pendingSos = false;
  /** the next SOS deadline (30 s / 60 s after a trigger): the turn that wakes for it evaluates SOS */
  private sosDue: number | null = null;

  constructor(
    private readonly manager: AlertManager,
    private readonly rules: MetricRules,
    private readonly sos: SosTimers,
    private readonly clock: Clock,
    private readonly opts: RunnerOptions = { evaluateEveryMs: 15_000, maxSleepMs: 1_000, minSleepMs: 20 },
    private readonly log?: NotifyLogger,
  ) {
    manager.onWork(() => this.nudge([], false));
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the timer and waits for a turn in progress, so storage can close after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Streaming evaluation: these metrics (and SOS) are evaluated on the next turn, now. */
  nudge(metrics: string[], sos: boolean): void {
    metrics.forEach((m) => this.pendingMetrics.add(m));
    this.pendingSos ||= sos;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped || this.opts.manual) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.turn(), ms);
    this.timer.unref();
  }

  /** One pass; exposed for tests and the benchmark. */
  async turn(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      if (this.stopped) return;
      const now = this.clock.now();
      if (now - this.lastEvaluation >= this.opts.evaluateEveryMs) {
        this.lastEvaluation = now;
        this.pendingMetrics.clear();
        this.pendingSos = false;
        await this.rules.evaluate();
        await this.sos.evaluate();
      } else {
        const metrics = [...this.pendingMetrics];
        this.pendingMetrics.clear();
        if (metrics.length) await this.rules.evaluate(metrics);
        if (this.pendingSos || (this.sosDue !== null && now >= this.sosDue)) {
          this.pendingSos = false;
          await this.sos.evaluate();
        }
      }
      await this.manager.tick();
    } catch (err) {
      this.log?.warn({ error: err instanceof Error ? err.message : String(err) }, 'alerting turn failed');
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.schedule(0);
      return;
    }
    this.schedule(Math.max(this.opts.minSleepMs, Math.min(this.opts.maxSleepMs, await this.sleepMs())));
  }

  private async sleepMs(): Promise<number> {
    try {
      this.sosDue = await this.sos.nextDeadline();
      const wake = [await this.manager.nextWake(), this.sosDue, this.lastEvaluation + this.opts.evaluateEveryMs].filter((t): t is number => t !== null);
      return Math.min(...wake) - this.clock.now();
    } catch {
      return this.opts.maxSleepMs;
    }
  }
}
