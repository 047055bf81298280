/**
 * MindGuard's mini-program as users run it: the real mini-program SDK inside the WeChat runtime
 * simulation (`sdk-miniprogram/test/sim`), on a device from a typical WeChat mix. A session is a
 * cold launch, the home page, then the check-in mood flow, the self-care tasks or the SOS page,
 * then the user leaves (or, in a crash wave, the process dies and the next launch reports it).
 * Cloud-function calls reach the simulated back end (real Node SDK) in process.
 */
import type { Mg, MgOptions } from '@mgops/sdk-miniprogram';
import { MiniProgramSim, SimClock, SimStorage, type Module, type SimGlobal } from '../../../sdk-miniprogram/test/sim/index.js';
import type { SimulatedBackend } from './backend.js';
import type { Faults } from './scenarios.js';
import { weighted, type Rng } from './random.js';

type Dict = Record<string, unknown>;
type Device = MiniProgramSim['device'];

/** A device mix typical of WeChat users in mainland China (share in percent). */
export const DEVICE_MIX: readonly (readonly [Device, number])[] = [
  [{ brand: 'iPhone', model: 'iPhone 13<iPhone14,5>', system: 'iOS 17.5.1', platform: 'ios', wechat: '8.0.51', benchmarkLevel: -1, pixelRatio: 3, screenWidth: 390, screenHeight: 844 }, 18],
  [{ brand: 'iPhone', model: 'iPhone 15 Pro<iPhone16,1>', system: 'iOS 18.1', platform: 'ios', wechat: '8.0.53', benchmarkLevel: -1, pixelRatio: 3, screenWidth: 393, screenHeight: 852 }, 12],
  [{ brand: 'HUAWEI', model: 'ELS-AN00', system: 'Android 12', platform: 'android', wechat: '8.0.50', benchmarkLevel: 28, pixelRatio: 3, screenWidth: 393, screenHeight: 851 }, 14],
  [{ brand: 'HUAWEI', model: 'ALN-AL00', system: 'HarmonyOS 4.0', platform: 'android', wechat: '8.0.52', benchmarkLevel: 32, pixelRatio: 3, screenWidth: 412, screenHeight: 915 }, 10],
  [{ brand: 'Xiaomi', model: '23127PN0CC', system: 'Android 14', platform: 'android', wechat: '8.0.52', benchmarkLevel: 35, pixelRatio: 2.75, screenWidth: 393, screenHeight: 873 }, 14],
  [{ brand: 'OPPO', model: 'PJZ110', system: 'Android 14', platform: 'android', wechat: '8.0.51', benchmarkLevel: 30, pixelRatio: 3, screenWidth: 384, screenHeight: 854 }, 12],
  [{ brand: 'vivo', model: 'V2309A', system: 'Android 14', platform: 'android', wechat: '8.0.51', benchmarkLevel: 29, pixelRatio: 3, screenWidth: 388, screenHeight: 864 }, 12],
  [{ brand: 'Redmi', model: '22081212C', system: 'Android 13', platform: 'android', wechat: '8.0.49', benchmarkLevel: 18, pixelRatio: 2.75, screenWidth: 393, screenHeight: 851 }, 8],
];

export type SimUser = { id: string; device: Device; storage: SimStorage; network: string };

export type ClientTarget = { endpoint: string; key: string };

let loads = 0;
/** A fresh instance of the SDK module (module state included), as a new mini-program process loads it. */
async function loadSdk(): Promise<Mg> {
  const url = new URL('../../../sdk-miniprogram/src/index.ts', import.meta.url).href + '?demo-lane=' + ++loads;
  return ((await import(url)) as { mg: Mg }).mg;
}

const deferred = () => {
  let resolve: (v: Dict) => void = () => undefined;
  const promise = new Promise<Dict>((r) => (resolve = r));
  return { promise, resolve };
};

/** A page that calls one cloud function on load and exposes taps that call more. */
function page(g: SimGlobal, onLoadFn: string | null, taps: Record<string, string>, waiters: Map<string, (v: Dict) => void>, uid: () => string, day: string): void {
  const call = (name: string, data: Dict) =>
    (g.wx.cloud as Dict & { callFunction: (o: Dict) => unknown }).callFunction({
      name,
      data: { uid: uid(), ...data },
      success: (r: Dict) => waiters.get(name)?.(r),
      fail: (e: Dict) => waiters.get(name)?.({ error: e }),
    });
  const def: Dict = { data: {}, onLoad() { if (onLoadFn) call(onLoadFn, { day }); } };
  for (const [method, fn] of Object.entries(taps)) def[method] = (e: { currentTarget?: { dataset?: Dict } }) => call(fn, e.currentTarget?.dataset ?? {});
  g.Page(def);
}

/** One lane runs one session at a time with its own SDK module instance. */
export class ClientLane {
  private mg: Mg | undefined;
  private readonly waiters = new Map<string, (v: Dict) => void>();
  /** mini-program SDK accounting, summed over this lane's sessions (before the final flush of a crashed one) */
  readonly sent = { captured: 0, delivered: 0, duplicates: 0, dropped: 0 };

  constructor(
    private readonly target: ClientTarget,
    private readonly backend: SimulatedBackend,
    private readonly faults: Faults,
    private readonly rng: Rng,
    private readonly sosShare = 0.006,
    /** the simulated wall clock sessions start at */
    private readonly now: () => number = Date.now,
  ) {}

  private async waitFor(sim: MiniProgramSim, name: string, fire: () => void): Promise<Dict> {
    const d = deferred();
    this.waiters.set(name, d.resolve);
    fire();
    const timer = setTimeout(() => d.resolve({ error: 'timeout' }), 5000);
    for (let i = 0; i < 100; i++) {
      await sim.run(100);
      const done = await Promise.race([d.promise, new Promise<null>((r) => setImmediate(() => r(null)))]);
      if (done) break;
    }
    clearTimeout(timer);
    d.resolve({ error: 'timeout' });
    this.waiters.delete(name);
    return d.promise;
  }

  /** A whole session; returns what the user did. */
  async session(user: SimUser, forced?: 'checkin' | 'tasks' | 'browse' | 'sos'): Promise<{ crashed: boolean; action: string }> {
    this.mg ??= await loadSdk();
    const mg = this.mg;
    const rng = this.rng;
    const crashWave = this.faults.has('crash-wave') && user.device.brand === 'HUAWEI';
    const release = crashWave ? '2.4.0' : '2.3.1';
    const slow = user.device.benchmarkLevel > 0 && user.device.benchmarkLevel < 20;
    const start = this.now();
    const day = new Date(start + 8 * 3_600_000).toISOString().slice(0, 10);
    const clock = new SimClock(start);
    const sim = new MiniProgramSim({
      platform: user.device.platform === 'ios' ? 'ios' : 'android',
      clock,
      storage: user.storage,
      network: user.network,
      launchMs: (slow ? 900 : 450) + Math.floor(rng() * 500),
      renderMs: (slow ? 350 : 150) + Math.floor(rng() * 250),
      routeMs: 30 + Math.floor(rng() * 40),
      cloudLatency: 40 + Math.floor(rng() * 120),
      cloud: Object.fromEntries(['moods', 'checkin', 'tasks', 'taskDone', 'sos'].map((n) => [n, async (data: unknown) => {
        // real work: virtual time waits for the answer, as it does for HTTP (else a quiet
        // event loop runs the page's patience out before the back end has answered)
        const ioDone = clock.ioStart();
        try {
          const r = await this.backend.call(n, data as Dict);
          if (r.code >= 500) throw new Error(`cloud function ${n} failed`);
          return { code: r.code, ...r.data };
        } finally {
          ioDone();
        }
      }])),
    });
    (sim as unknown as { device: Device }).device = user.device;
    const uid = () => user.id;
    sim.appJs((g) => {
      mg.init({
        endpoint: this.target.endpoint, key: this.target.key, app: 'mindguard', env: 'production', release, global: g, clock: sim.clock, flushIntervalMs: 2000, perfWaitMs: 500,
      } as MgOptions);
      mg.setUser(user.id);
      g.App({ onLaunch() {} });
    });
    const pages: Record<string, Module> = {
      'pages/index/index': (g) => page(g, 'moods', {}, this.waiters, uid, day),
      'pages/checkin/checkin': (g) => page(g, null, { submit: 'checkin' }, this.waiters, uid, day),
      'pages/tasks/tasks': (g) => page(g, 'tasks', { done: 'taskDone' }, this.waiters, uid, day),
      'pages/sos/sos': (g) => page(g, null, { press: 'sos' }, this.waiters, uid, day),
    };
    for (const [route, m] of Object.entries(pages)) sim.page(route, m);

    await this.waitFor(sim, 'moods', () => void sim.launch('pages/index/index'));
    const action = forced ?? weighted(rng, [['checkin', 55], ['tasks', 30], ['browse', 15], ['sos', this.sosShare * 100]] as const);
    if (action === 'checkin') {
      mg.funnel('checkin', 'open');
      await sim.navigateTo('pages/checkin/checkin');
      await sim.run(2000 + rng() * 8000);
      // some people look and leave, some leave after choosing a mood: the funnel's exits
      const leave = rng();
      if (leave >= 0.1) mg.funnel('checkin', 'choose_mood');
      if (leave >= 0.16) {
        mg.checkin.attempt();
        mg.funnel('checkin', 'submit');
        const r = await this.waitFor(sim, 'checkin', () => sim.tap('submit', { mood: Math.ceil(rng() * 5), note: rng() < 0.6 }));
        // a cloud function's answer is the callFunction result's `result`
        if (r.error === undefined && (r.result as Dict | undefined)?.code === 0) {
          mg.checkin.success();
          mg.funnel('checkin', 'success');
        } else mg.checkin.failure('server');
      }
    } else if (action === 'tasks') {
      const r = await this.waitFor(sim, 'tasks', () => void sim.navigateTo('pages/tasks/tasks'));
      mg.track('self_care_task');
      const taskId = (r.result as Dict | undefined)?.taskId;
      if (typeof taskId === 'string' && rng() < 0.93) await this.waitFor(sim, 'taskDone', () => sim.tap('done', { taskId }));
    } else if (action === 'sos') {
      await sim.navigateTo('pages/sos/sos');
      const r = await this.waitFor(sim, 'sos', () => sim.tap('press'));
      const result = r.result as Dict | undefined;
      if (typeof result?.sosId === 'string') mg.sos(result.sosId);
    }
    await sim.run(1000 + rng() * 5000);
    // the odd healthy-day error: 1 session in 10,000 (more would trip the 0.5 % rule by chance in a
    // 15-minute window of a few hundred page views)
    if (rng() < 0.0001) mg.captureError(new Error('TypeError: Cannot read properties of undefined (reading "mood")'));
    // healthy releases do not crash in a demo run: one crash in a few hundred sessions already breaches 0.1 %
    const crashed = crashWave && rng() < 0.3;
    if (crashed) {
      sim.kill();
    } else {
      await sim.background();
      await sim.run(500);
    }
    let st = mg.stats();
    // sent until nothing is queued or in flight, so the counts hold all the session sends
    for (let tries = 0; !crashed && st && (tries === 0 || st.queued > 0 || st.inFlight > 0) && tries < 3; tries++) {
      let flushed = false;
      const f = mg.flush(3000).then(() => void (flushed = true));
      for (let i = 0; i < 40 && !flushed; i++) await sim.run(100);
      await Promise.race([f, new Promise((r) => setTimeout(r, 500))]);
      st = mg.stats();
    }
    if (st) {
      this.sent.captured += st.captured;
      this.sent.delivered += st.delivered;
      this.sent.duplicates += st.duplicates;
      this.sent.dropped += Object.values(st.dropped).reduce((a, b) => a + b, 0);
    }
    let destroyed = false;
    const done = mg.destroy().then(() => void (destroyed = true));
    for (let i = 0; i < 40 && !destroyed; i++) await sim.run(100);
    await Promise.race([done, new Promise((r) => setTimeout(r, 1000))]);
    return { crashed, action };
  }
}
