/**
 * wx.getPerformance() observer: keeps the entries it delivers (appLaunch, route, firstRender,
 * firstPaint, firstContentfulPaint, largestContentfulPaint, …) for the launch and page-load
 * measurements, which take them when they arrive and fall back to lifecycle timing otherwise.
 */
import type { PerfEntry, Wx } from './types.js';

export interface Perf {
  /** first unused entry of that name (and path, when given) */
  find(name: string, path?: string): PerfEntry | undefined;
  /** marks an entry used (by one page load) */
  use(e: PerfEntry | undefined): void;
  /** latest entry of that name for the path, used or not */
  peek(name: string, path?: string): PerfEntry | undefined;
  stop(): void;
}

export function createPerf(wx: Wx, onEntry: () => void, fault: (e: unknown) => void): Perf | null {
  let observer: { disconnect(): void } | undefined;
  const list: Array<PerfEntry & { used?: boolean }> = [];
  try {
    if (!wx.getPerformance) return null;
    const o = wx.getPerformance().createObserver((l) => {
      try {
        for (const e of l.getEntries()) {
          if (list.length > 200) list.shift();
          list.push(e);
        }
        onEntry();
      } catch (e) {
        fault(e);
      }
    });
    o.observe({ entryTypes: ['navigation', 'render', 'script'] });
    observer = o;
  } catch (e) {
    fault(e);
    return null;
  }
  const find = (name: string, path: string | undefined, unused: boolean): (PerfEntry & { used?: boolean }) | undefined => {
    let hit: (PerfEntry & { used?: boolean }) | undefined;
    for (const e of list) {
      if (e.name !== name || (path !== undefined && e.path !== undefined && norm(e.path) !== path) || (unused && e.used)) continue;
      hit = e;
      if (unused) break;
    }
    return hit;
  };
  return {
    find: (name, path) => find(name, path, true),
    use(e) {
      if (e) (e as { used?: boolean }).used = true;
    },
    peek: (name, path) => find(name, path, false),
    stop: () => observer?.disconnect(),
  };
}

/** `/pages/a/index?x=1` → `pages/a/index` */
export function norm(path: string): string {
  return path.replace(/^\/+/, '').replace(/[?#].*$/, '').replace(/\.html$/, '');
}
