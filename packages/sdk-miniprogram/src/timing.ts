/**
 * Launch and page-load time. A wx.getPerformance() observer keeps the entries it delivers
 * (appLaunch, route, firstRender, firstPaint, firstContentfulPaint, largestContentfulPaint, …).
 * The launch waits for its `appLaunch` entry, a page for its `route` entry (or `firstRender` for
 * the first page); each uses lifecycle timing (init → first page onReady, onLoad → onReady) when
 * its entry has not come within `waitMs` (iOS lacks some entries, old base libraries have no
 * observer): never waits forever.
 */
import type { Clock, EventInput } from '@mgops/sdk-core';
import type { PerfEntry, Wx } from './types.js';

type Entry = PerfEntry & { used_?: boolean };

interface PendingLoad {
  route_: string;
  lifecycle_: number;
  first_: boolean;
  /** use lifecycle timing from then on */
  until_: number;
}

export interface Timing {
  pageReady_(route: string, loadAt: number): void;
  stop_(): void;
}

const PAINTS = ['firstPaint', 'firstContentfulPaint', 'largestContentfulPaint'];

/** `/pages/a/index?x=1` → `pages/a/index` */
export function norm(path: string): string {
  return path.replace(/^\/+/, '').replace(/[?#].*$/, '').replace(/\.html$/, '');
}

export function createTiming(wx: Wx, clock: Clock, launchStart: number, waitMs: number, emit: (ev: EventInput) => void, fault: (e: unknown) => void): Timing {
  const entries: Entry[] = [];
  const pending: PendingLoad[] = [];
  const timers: unknown[] = [];
  let observer: { disconnect(): void } | undefined;
  let launched = false;
  let launch = -1;
  let launchUntil = 0;
  let launchPage = '';

  /** The first unused entry of that name for the path; with `latest`, the latest one, used or not. */
  const find = (name: string, path?: string, latest?: boolean): Entry | undefined => {
    let hit: Entry | undefined;
    for (const e of entries) {
      if (e.name !== name || (path !== undefined && e.path !== undefined && norm(e.path) !== path) || (!latest && e.used_)) continue;
      hit = e;
      if (!latest) break;
    }
    return hit;
  };
  /** Marks entries used (by one measurement). */
  const use = (...list: Array<Entry | undefined>): void => {
    for (const e of list) if (e) e.used_ = true;
  };
  /** Still worth waiting for an entry. */
  const wait = (until: number): boolean => !!observer && clock.now() < until;

  const check = (): void => {
    if (launch >= 0) {
      const e = find('appLaunch');
      if (e || !wait(launchUntil)) {
        use(e);
        emit({ type: 'app_launch', page: launchPage, cold: true, duration: Math.round(e ? e.duration : launch), attrs: { src: e ? 'perf' : 'lifecycle', lifecycle: Math.round(launch) } });
        launch = -1;
      }
    }
    for (let i = 0; i < pending.length; i++) {
      const p = pending[i] as PendingLoad;
      const r = p.first_ ? undefined : find('route', p.route_);
      const f = find('firstRender', p.route_);
      const e = p.first_ ? f : r;
      if (!e && wait(p.until_)) continue;
      const attrs: Record<string, number | string> = { src: e ? e.name : 'lifecycle', lifecycle: Math.round(p.lifecycle_) };
      use(r, f);
      for (const n of PAINTS) {
        const x = find(n, p.route_, true);
        if (x && e) attrs[n] = Math.round(x.startTime - e.startTime);
      }
      emit({ type: 'page_load', page: p.route_, duration: Math.round(e ? e.duration : p.lifecycle_), attrs });
      pending.splice(i--, 1);
    }
  };

  try {
    if (wx.getPerformance) {
      const o = wx.getPerformance().createObserver((l) => {
        try {
          for (const e of l.getEntries()) {
            if (entries.length > 200) entries.shift();
            entries.push(e);
          }
          check();
        } catch (e) {
          fault(e);
        }
      });
      o.observe({ entryTypes: ['navigation', 'render', 'script'] });
      observer = o;
    }
  } catch (e) {
    fault(e);
  }

  return {
    pageReady_(route, loadAt) {
      const t = clock.now();
      pending.push({ route_: route, lifecycle_: t - loadAt, first_: !launched, until_: t + waitMs });
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
    stop_() {
      for (const t of timers) clock.clearTimeout(t);
      if (observer) observer.disconnect();
    },
  };
}
