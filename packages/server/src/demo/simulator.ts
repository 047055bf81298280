/**
 * The traffic simulator: N simulated MindGuard users on a WeChat device mix, opening the
 * mini-program at a daily rhythm (compressed by `speed`), each session run by the real
 * mini-program SDK in the runtime simulation against the simulated back end (real Node SDK).
 * Faults are injected and removed while it runs; counters say what was sent.
 */
import { SimStorage } from '../../../sdk-miniprogram/test/sim/index.js';
import type { ManualClock } from '../util/clock.js';
import { SimulatedBackend } from './backend.js';
import { ClientLane, DEVICE_MIX, type SimUser } from './client.js';
import { rhythmAt, seeded, weighted, type Rng } from './random.js';
import { Faults, SCENARIOS, type ScenarioName } from './scenarios.js';

/** simulated time runs this many times faster than the wall clock unless told otherwise */
export const DEFAULT_SPEED = 12;

export type SimulatorOptions = {
  endpoint: string;
  key: string;
  users?: number;
  seed?: number;
  /** simulated time runs this much faster than real time (daily rhythm, ops team, reviewers) */
  speed?: number;
  /** sessions a user opens per simulated hour at the peak of the day */
  sessionsPerUserHour?: number;
  /** concurrent mini-program sessions (each its own SDK instance) */
  lanes?: number;
  /** Asia/Shanghai hour the simulated day starts at */
  startHour?: number;
  tickMs?: number;
  gaugeEveryMs?: number;
  /** share of sessions in which the user presses SOS (default 0.006) */
  sosShare?: number;
  log?: (msg: string) => void;
  /**
   * Day mode: the simulator drives this clock (give the same one to the platform), from its
   * current time on, by `speed` × `tickMs` a tick. It holds the clock while sessions are owed but
   * no lane is free, and moves it in 1 s steps while an SOS is being answered, so a slow machine
   * stretches real time instead of thinning traffic or delaying answers in simulated time.
   */
  clock?: ManualClock;
};

/** Day mode: simulated time a tick while an SOS is open (answers come within 5–20 s). */
const SOS_STEP_MS = 1_000;
/** at most this many SOS steps after stop(): answers come within 20 s, and reach the platform in 2 */
const SOS_SETTLE_STEPS = 60;

export type SdkCounts = { captured: number; delivered: number; duplicates: number; dropped: number };

export type SimulatorStats = {
  users: number;
  sessions: number;
  crashes: number;
  /** sessions not started for want of a free lane (day mode: ticks the clock was held instead) */
  skipped: number;
  actions: Record<string, number>;
  backend: SimulatedBackend['counts'];
  /** events captured and delivered by the SDKs (Node SDK; mini-program lanes) */
  /** `delivered` counts what the collector accepted, `duplicates` of it it already had */
  nodeSdk: SdkCounts;
  miniProgramSdk: SdkCounts;
  active: { name: ScenarioName; since: number }[];
  simulatedTime: string;
};

export class Simulator {
  readonly faults = new Faults();
  readonly backend: SimulatedBackend;
  private readonly rng: Rng;
  private readonly users: SimUser[] = [];
  private readonly free: ClientLane[] = [];
  private readonly o: Required<Omit<SimulatorOptions, 'log' | 'seed' | 'clock'>> & Pick<SimulatorOptions, 'log' | 'clock'>;
  // monotonic: simulated time follows elapsed time, not wall-clock jumps
  private readonly startedAt = performance.now();
  private readonly simStart: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private owed = 0;
  private running = new Set<Promise<unknown>>();
  private readonly crashedUsers: SimUser[] = [];
  private readonly busy = new Set<string>();
  private readonly lanes: ClientLane[] = [];
  readonly stats: Omit<SimulatorStats, 'backend' | 'nodeSdk' | 'miniProgramSdk' | 'active' | 'simulatedTime'> = { users: 0, sessions: 0, crashes: 0, skipped: 0, actions: {} };

  constructor(opts: SimulatorOptions) {
    this.o = {
      endpoint: opts.endpoint, key: opts.key, users: opts.users ?? 300, speed: opts.speed ?? DEFAULT_SPEED, sessionsPerUserHour: opts.sessionsPerUserHour ?? 3,
      lanes: opts.lanes ?? 8, sosShare: opts.sosShare ?? 0.006, startHour: opts.startHour ?? 9, tickMs: opts.tickMs ?? 250, gaugeEveryMs: opts.gaugeEveryMs ?? 5000, log: opts.log, clock: opts.clock,
    };
    this.rng = seeded(opts.seed ?? 20250106);
    const clock = this.o.clock;
    // day mode: the Node SDK sends at least every 100 simulated seconds, so a simulated 5-minute
    // window holds what happened in it
    const flushIntervalMs = Math.max(20, Math.min(1000, 100_000 / this.o.speed));
    this.backend = new SimulatedBackend({ endpoint: this.o.endpoint, key: this.o.key, faults: this.faults, rng: this.rng, speed: this.o.speed, ...(clock ? { clock, flushIntervalMs } : {}) });
    const day = Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
    this.simStart = clock ? clock.now() : day + this.o.startHour * 3_600_000;
    for (let i = 0; i < this.o.users; i++) {
      const device = weighted(this.rng, DEVICE_MIX);
      const network = weighted(this.rng, [['wifi', 55], ['5g', 25], ['4g', 18], ['3g', 2]] as const);
      this.users.push({ id: `demo-user-${String(i).padStart(5, '0')}`, device, storage: new SimStorage(), network });
    }
    this.stats.users = this.users.length;
    for (let i = 0; i < this.o.lanes; i++) this.lanes.push(new ClientLane({ endpoint: this.o.endpoint, key: this.o.key }, this.backend, this.faults, this.rng, this.o.sosShare, () => this.simNow()));
    this.free.push(...this.lanes);
    this.faults.onChange((name, on) => this.onFault(name, on));
  }

  /** Simulated wall time (the daily rhythm follows it). */
  simNow(): number {
    if (this.o.clock) return this.o.clock.now();
    return this.simStart + (performance.now() - this.startedAt) * this.o.speed;
  }

  start(): this {
    this.backend.startGauges(this.o.gaugeEveryMs);
    this.timer = setInterval(() => {
      const clock = this.o.clock;
      if (!clock) this.tick();
      // one day tick at a time; stop() awaits the one in flight
      else this.dayTicking ??= this.dayTick(clock).finally(() => (this.dayTicking = undefined));
    }, this.o.tickMs);
    this.timer.unref();
    this.o.log?.(`demo traffic: ${this.o.users} simulated users, ${this.o.lanes} concurrent sessions, time ×${this.o.speed}${this.o.clock ? ' (driving the platform clock)' : ''}`);
    return this;
  }

  /** Day mode: the tick in flight, if any. */
  private dayTicking: Promise<void> | undefined;

  /** Day mode: one step of the simulated clock, unless sessions are still owed. */
  private async dayTick(clock: ManualClock): Promise<void> {
    try {
      if (!this.launchOwed()) {
        this.stats.skipped++;
        return;
      }
      const step = this.backend.sosPending() ? SOS_STEP_MS : this.o.speed * this.o.tickMs;
      clock.advance(step);
      this.owed += ((this.o.users * this.o.sessionsPerUserHour) / 3_600_000) * step * rhythmAt(clock.now());
      this.launchOwed();
      await this.backend.runDue();
    } catch (err) {
      this.o.log?.(`demo tick failed: ${(err as Error).message}`);
    }
  }

  /** Starts the sessions owed while lanes are free; true when none is left owing. */
  private launchOwed(): boolean {
    while (this.owed >= 1) {
      if (!this.launch()) return false;
      this.owed -= 1;
    }
    return true;
  }

  private tick(): void {
    const perMs = (this.o.users * this.o.sessionsPerUserHour * this.o.speed) / 3_600_000;
    this.owed += perMs * this.o.tickMs * rhythmAt(this.simNow());
    while (this.owed >= 1) {
      this.owed -= 1;
      if (!this.launch()) {
        this.stats.skipped++;
        this.owed = Math.min(this.owed, this.o.lanes);
        break;
      }
    }
  }

  /** Starts one session on a free lane; a user whose app crashed reopens it first. */
  private launch(user?: SimUser, forced?: 'checkin' | 'sos'): boolean {
    const lane = this.free.pop();
    if (!lane) return false;
    let u = user ?? this.crashedUsers.shift();
    // one session per user at a time (a phone runs one copy of the mini-program)
    for (let i = 0; !u && i < 5; i++) {
      const c = this.users[Math.floor(this.rng() * this.users.length)];
      if (c && !this.busy.has(c.id)) u = c;
    }
    if (!u) {
      this.free.push(lane);
      return false;
    }
    const busyId = u.id;
    this.busy.add(busyId);
    const p = lane
      .session(u, forced)
      .then((r) => {
        this.stats.sessions++;
        this.stats.actions[r.action] = (this.stats.actions[r.action] ?? 0) + 1;
        if (r.crashed) {
          this.stats.crashes++;
          this.crashedUsers.push(u);
        }
        if (this.rng() < 0.01) this.backend.securityNoise(u.id);
      })
      .catch((err: unknown) => this.o.log?.(`demo session failed: ${(err as Error).message}`))
      .finally(() => {
        this.busy.delete(busyId);
        this.free.push(lane);
        this.running.delete(p);
      });
    this.running.add(p);
    return true;
  }

  inject(name: ScenarioName): void {
    this.faults.inject(name);
  }

  remove(name: ScenarioName): boolean {
    return this.faults.remove(name);
  }

  private onFault(name: ScenarioName, on: boolean): void {
    this.o.log?.(`demo scenario ${on ? 'injected' : 'removed'}: ${name} (${SCENARIOS[name].seed})`);
    if (on && name === 'brute-force-login') this.backend.bruteForce();
    if (on && name === 'unauthorised-operation') this.backend.unauthorised();
    // an SOS pressed now, so the scenario shows at once (the team does not answer it)
    if (on && name === 'sos-unanswered') this.backend.pressSos(this.users[0]?.id ?? 'demo-user-00000');
    if (!on && name === 'sos-unanswered') this.backend.answerAllOpen();
  }

  snapshot(): SimulatorStats {
    const s = this.backend.sdk.client.stats();
    const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
    return {
      ...this.stats,
      actions: { ...this.stats.actions },
      backend: { ...this.backend.counts },
      nodeSdk: { captured: s.captured, delivered: s.delivered, duplicates: s.duplicates, dropped },
      miniProgramSdk: this.lanes.reduce((a, l) => ({ captured: a.captured + l.sent.captured, delivered: a.delivered + l.sent.delivered, duplicates: a.duplicates + l.sent.duplicates, dropped: a.dropped + l.sent.dropped }), { captured: 0, delivered: 0, duplicates: 0, dropped: 0 }),
      active: this.faults.list(),
      simulatedTime: new Date(this.simNow()).toISOString(),
    };
  }

  /**
   * Waits for running sessions, sends what is queued. Day mode: a session still running may press
   * SOS after the last tick; simulated time then goes on in SOS steps until the operations team
   * has answered it (as it would have during the day), unless `sos-unanswered` is injected.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.dayTicking;
    await Promise.allSettled([...this.running]);
    const clock = this.o.clock;
    for (let s = 0; clock && s < SOS_SETTLE_STEPS && this.backend.sosPending() && !this.faults.has('sos-unanswered'); s++) {
      clock.advance(SOS_STEP_MS);
      await this.backend.runDue();
    }
    await this.backend.close();
  }
}
