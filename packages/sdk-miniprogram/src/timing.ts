/**
 * Launch and page-load time. Each first waits for its wx.getPerformance() entry — `appLaunch` for
 * the launch, `route` (or `firstRender` for the first page) for a page — and uses lifecycle timing
 * (init → first page onReady, onLoad → onReady) when the entry has not come within `waitMs`
 * (iOS lacks some entries, old base libraries have no observer): never waits forever.
 */
import type { Clock, EventInput } from '@mgops/sdk-core';
import type { Perf } from './perf.js';

interface PendingLoad {
  route: string;
  lifecycle: number;
  first: boolean;
  /** use lifecycle timing from then on */
  until: number;
}

export interface Timing {
  pageReady(route: string, loadAt: number): void;
  /** new performance entries arrived */
  check(): void;
  stop(): void;
}

const PAINTS = ['firstPaint', 'firstContentfulPaint', 'largestContentfulPaint'];

export function createTiming(clock: Clock, launchStart: number, waitMs: number, getPerf: () => Perf | null, emit: (ev: EventInput) => void): Timing {
  const pending: PendingLoad[] = [];
  const timers: unknown[] = [];
  let launched = false;
  let launch = -1;
  let launchUntil = 0;
  let launchPage = '';

  function emitLaunch(): void {
    const perf = getPerf();
    if (launch < 0) return;
    const e = perf ? perf.find('appLaunch') : undefined;
    if (!e && clock.now() < launchUntil && perf) return;
    if (perf) perf.use(e);
    emit({ type: 'app_launch', page: launchPage, cold: true, duration: Math.round(e ? e.duration : launch), attrs: { src: e ? 'perf' : 'lifecycle', lifecycle: Math.round(launch) } });
    launch = -1;
  }

  function emitLoads(): void {
    const perf = getPerf();
    for (let i = 0; i < pending.length; i++) {
      const p = pending[i] as PendingLoad;
      const r = perf && !p.first ? perf.find('route', p.route) : undefined;
      const f = perf ? perf.find('firstRender', p.route) : undefined;
      const e = p.first ? f : r;
      if (!e && clock.now() < p.until && perf) continue;
      const attrs: Record<string, number | string> = { src: e ? e.name : 'lifecycle', lifecycle: Math.round(p.lifecycle) };
      if (perf) {
        perf.use(r);
        perf.use(f);
        for (const n of PAINTS) {
          const x = perf.peek(n, p.route);
          if (x && e) attrs[n] = Math.round(x.startTime - e.startTime);
        }
      }
      emit({ type: 'page_load', page: p.route, duration: Math.round(e ? e.duration : p.lifecycle), attrs });
      pending.splice(i--, 1);
    }
  }

  const check = (): void => {
    emitLaunch();
    emitLoads();
  };

  return {
    pageReady(route, loadAt) {
      const t = clock.now();
      pending.push({ route, lifecycle: t - loadAt, first: !launched, until: t + waitMs });
      if (!launched) {
        launchPage = route;
        launch = t - launchStart;
        launchUntil = t + waitMs;
      }
      launched = true;
      check();
      if (pending.length || launch >= 0) timers.push(clock.setTimeout(check, waitMs));
      if (timers.length > 20) timers.shift();
    },
    check,
    stop() {
      for (const t of timers) clock.clearTimeout(t);
    },
  };
}
