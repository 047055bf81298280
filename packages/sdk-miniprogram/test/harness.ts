/**
 * Test harness: a fresh SDK module per simulated app (as a new mini-program process would load
 * it), a collector stand-in, an app backend, and the MindGuard-like app used by most tests.
 */
import type { Mg, MgEvent, MgOptions } from '../src/index.js';
import { MiniProgramSim, startBackend, startCollector, type Backend, type Collector, type Module, type SimOptions } from './sim/index.js';

type Dict = Record<string, unknown>;
let loads = 0;

/** A new instance of the SDK module (module state included), like a fresh app process. */
export async function loadSdk(): Promise<Mg> {
  const url = new URL('../src/index.ts', import.meta.url).href + '?instance=' + ++loads;
  const m = (await import(url)) as { mg: Mg };
  return m.mg;
}

export interface Rig {
  sim: MiniProgramSim;
  mg: Mg;
  collector: Collector;
  backend: Backend;
  close(): Promise<void>;
}

export interface RigOptions {
  sim?: SimOptions;
  sdk?: Partial<MgOptions>;
  /** extra app options (hooks) merged into App({...}) */
  app?: Dict;
  /** init inside app.js with explicit wrappers (plugin mode) */
  explicit?: boolean;
  pages?: Record<string, Module>;
  collector?: Collector;
  backend?: Backend;
}

export const BACKEND_ROUTES = {
  '/api/mood': { body: { code: 0, data: { moods: ['good', 'bad'] } } },
  '/api/checkin': { body: { code: 0, data: { ok: true } } },
  '/api/fail': { body: { code: 40013, msg: 'invalid mood' } },
  '/api/boom': { status: 500, body: { error: 'internal' } },
  '/api/hang': { hang: true },
};

export async function rig(o: RigOptions = {}): Promise<Rig> {
  const collector = o.collector ?? (await startCollector());
  const backend = o.backend ?? (await startBackend(BACKEND_ROUTES));
  const sim = new MiniProgramSim({ containerBase: backend.url, ...o.sim });
  const mg = await loadSdk();
  const wrap = <T>(x: T, f: (y: T) => T): T => (o.explicit ? f(x) : x);
  sim.appJs((g) => {
    mg.init({ endpoint: collector.url, key: 'mgk_test', env: 'test', release: '1.4.0', global: g, clock: sim.clock, flushIntervalMs: 2000, perfWaitMs: 1000, ...o.sdk } as MgOptions);
    g.App(wrap({ globalData: { api: backend.url }, onLaunch() {}, ...o.app }, (x) => mg.app(x)));
  });
  for (const [route, module] of Object.entries(o.pages ?? {})) sim.page(route, module);
  return {
    sim,
    mg,
    collector,
    backend,
    close: async () => {
      // destroy() flushes within 2 s of (virtual) time
      const done = mg.destroy();
      await sim.run(2500);
      await done;
      if (!o.collector) await collector.close();
      if (!o.backend) await backend.close();
    },
  };
}

/** An event of one type, as the protocol declares it. */
export type Ev<T extends MgEvent['type']> = Extract<MgEvent, { type: T }>;

/** The events of one type the collector has received. */
export const of = <T extends MgEvent['type']>(r: Rig, t: T): Array<Ev<T>> => r.collector.byType(t) as Array<Ev<T>>;

/** Sends what is queued (a flush within 5 s of virtual time); true when everything was delivered. */
export async function deliver(r: Rig): Promise<boolean> {
  await r.sim.run(10);
  const p = r.mg.flush(5000);
  await r.sim.run(100);
  return p;
}

/** A simple page: data, an onLoad that requests the backend, a tap handler. */
export function homePage(api: () => string, extra: Dict = {}): Module {
  return (g) =>
    g.Page({
      data: { moods: [] },
      onLoad() {
        (g.wx.request as (o: Dict) => unknown)({ url: api() + '/api/mood?uid=1', success: () => undefined });
      },
      ...extra,
    });
}
