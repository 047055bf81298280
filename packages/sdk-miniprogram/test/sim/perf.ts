/**
 * wx.getPerformance(): observers registered with createObserver(cb).observe({entryTypes}) really
 * receive the entries the runtime produces (appLaunch, route, firstRender, firstPaint, …), in a
 * batch, `deliverDelayMs` after they happen. getEntries, getEntriesByName, getEntriesByType and now as in WeChat.
 */
import type { SimClock } from './clock.js';

export interface SimEntry {
  entryType: 'navigation' | 'render' | 'script' | 'loadPackage';
  name: string;
  startTime: number;
  duration: number;
  path?: string;
  pageId?: number;
  navigationType?: string;
  navigationStart?: number;
  moduleName?: string;
}

type EntryList = { getEntries(): SimEntry[]; getEntriesByName(n: string): SimEntry[]; getEntriesByType(t: string): SimEntry[] };

export class SimPerformance {
  readonly entries: SimEntry[] = [];
  private observers = new Set<{ types: string[]; cb: (l: EntryList) => void }>();

  constructor(
    private clock: SimClock,
    private invoke: (fn: unknown, arg: unknown) => void,
    public deliverDelayMs = 50,
  ) {}

  now = (): number => this.clock.now();

  createObserver(cb: (l: EntryList) => void): { observe(o: { entryTypes?: string[]; type?: string }): void; disconnect(): void } {
    const ob = { types: [] as string[], cb };
    return {
      observe: (o) => {
        ob.types = o.entryTypes ?? (o.type ? [o.type] : []);
        this.observers.add(ob);
      },
      disconnect: () => void this.observers.delete(ob),
    };
  }

  getEntries(): SimEntry[] {
    return this.entries.slice();
  }

  getEntriesByName(name: string, type?: string): SimEntry[] {
    return this.entries.filter((e) => e.name === name && (!type || e.entryType === type));
  }

  getEntriesByType(type: string): SimEntry[] {
    return this.entries.filter((e) => e.entryType === type);
  }

  /** The runtime records entries; observers get them later, as a batch. */
  record(list: SimEntry[]): void {
    this.entries.push(...list);
    this.clock.setTimeout(() => {
      for (const ob of [...this.observers]) {
        const mine = list.filter((e) => ob.types.includes(e.entryType));
        if (!mine.length) continue;
        const l: EntryList = {
          getEntries: () => mine.slice(),
          getEntriesByName: (n) => mine.filter((e) => e.name === n),
          getEntriesByType: (t) => mine.filter((e) => e.entryType === t),
        };
        this.invoke(ob.cb, l);
      }
    }, this.deliverDelayMs);
  }
}
