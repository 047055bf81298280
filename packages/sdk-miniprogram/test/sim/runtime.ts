/**
 * A faithful simulation of the WeChat mini-program runtime, for testing the SDK as the app sees it.
 *
 * App code is written as modules `(g) => { g.App({...}) }` evaluated against the simulated global
 * scope `g` (wx, App, Page, Component, getApp, getCurrentPages). The runtime follows WeChat's
 * lifecycle order (App.onLaunch → App.onShow → Page.onLoad → Page.onShow → Page.onReady; navigation
 * hides or unloads the previous page; going to the background calls Page.onHide → App.onHide →
 * wx.onAppHide), routes errors thrown by app code to App.onError and wx.onError, produces
 * wx.getPerformance() entries, and keeps storage across relaunches. Time is virtual (SimClock).
 */
import { SimClock } from './clock.js';
import { createNet, type SimNet } from './net.js';
import { SimPerformance, type SimEntry } from './perf.js';
import { SimStorage } from './storage.js';
import { buildWx, LISTENERS, versionAtLeast, type ListenerName } from './wx.js';
import { createInstance, type Def, type Inst } from './instances.js';
import { DEVICES, type Device, type Module, type SimGlobal, type SimOptions } from './types.js';

export { DEVICES, type Device, type Module, type SimGlobal, type SimOptions };

type Dict = Record<string, unknown>;

interface PageDef {
  module: Module;
  def?: Def;
  components: string[];
}

export class MiniProgramSim {
  readonly options: SimOptions;
  readonly clock: SimClock;
  readonly storage: SimStorage;
  readonly files: Map<string, Buffer>;
  readonly net: SimNet;
  readonly perf: SimPerformance;
  readonly device: Device;
  readonly baseLib: string;
  readonly g: SimGlobal;
  readonly wx: Dict;
  readonly listeners = {} as Record<ListenerName, Set<(arg: never) => void>>;
  /** errors that reached the runtime (as WeChat passes them to onError) */
  readonly errors: string[] = [];
  networkType: string;
  privacyNeedsAuth: boolean;
  hidden = false;
  launchOptions: Dict = {};
  private appModule?: Module;
  private appDef?: Dict;
  private app?: Dict;
  private pages = new Map<string, PageDef>();
  private components = new Map<string, { module: Module; def?: Def }>();
  private stack: Inst[] = [];
  private registering?: { kind: 'page' | 'component'; path: string };
  private pageSeq = 0;
  private hiddenAt = 0;
  private dead = false;

  constructor(opts: SimOptions = {}) {
    this.options = opts;
    this.clock = opts.clock ?? new SimClock();
    this.storage = opts.storage ?? new SimStorage();
    this.files = opts.files ?? new Map();
    this.device = DEVICES[opts.platform ?? 'android'];
    this.baseLib = opts.baseLib ?? '3.4.10';
    this.networkType = opts.network ?? 'wifi';
    this.privacyNeedsAuth = opts.privacyNeedsAuth ?? false;
    for (const n of LISTENERS) this.listeners[n] = new Set();
    this.perf = new SimPerformance(this.clock, (fn, a) => this.invoke(fn, a), opts.perfDelayMs ?? 50);
    const lat = opts.latency ?? 0;
    this.net = createNet({
      clock: this.clock,
      online: () => this.networkType !== 'none',
      interrupted: () => this.hidden && this.clock.now() - this.hiddenAt >= 5000,
      latency: typeof lat === 'function' ? lat : () => lat,
      invoke: (fn, a) => this.invoke(fn, a),
      files: this.files,
    });
    this.wx = buildWx(this);
    const g = {} as SimGlobal;
    const fns: Omit<SimGlobal, 'wx'> = {
      App: (o) => this.registerApp(o),
      Page: (o) => this.register('page', o),
      Component: (o) => this.register('component', o),
      getApp: () => this.app,
      getCurrentPages: () => this.stack.slice(),
    };
    if (opts.frozen) {
      Object.freeze(this.wx.cloud);
      Object.freeze(this.wx);
      for (const [k, v] of Object.entries({ wx: this.wx, ...fns })) Object.defineProperty(g, k, { value: v, writable: false, configurable: false, enumerable: true });
    } else Object.assign(g, { wx: this.wx }, fns);
    this.g = g;
  }

  // ---- app definition ----
  appJs(module: Module): this {
    this.appModule = module;
    return this;
  }

  page(route: string, module: Module, components: string[] = []): this {
    this.pages.set(route, { module, components });
    return this;
  }

  component(path: string, module: Module): this {
    this.components.set(path, { module });
    return this;
  }

  // ---- runtime internals ----
  /** Runs app code; a throw goes to App.onError and wx.onError, as in WeChat. */
  invoke(fn: unknown, ...args: unknown[]): unknown {
    if (typeof fn !== 'function' || this.dead) return undefined;
    try {
      return (fn as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      this.dispatchError(e);
      return undefined;
    }
  }

  private call(inst: Dict | undefined, name: string, ...args: unknown[]): unknown {
    return this.callFn(inst, inst?.[name], args);
  }

  private callFn(inst: Dict | undefined, fn: unknown, args: unknown[]): unknown {
    if (typeof fn !== 'function' || this.dead) return undefined;
    try {
      return (fn as (...a: unknown[]) => unknown).apply(inst, args);
    } catch (e) {
      this.dispatchError(e);
      return undefined;
    }
  }

  dispatchError(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    const msg = `MiniProgramError\n${err.message}\n${err.stack ?? ''}`;
    this.errors.push(msg);
    if (this.app && typeof this.app.onError === 'function') {
      try {
        (this.app.onError as (m: string) => void).call(this.app, msg);
      } catch {
        // WeChat logs and goes on
      }
    }
    this.emit('Error', msg);
  }

  private emit(name: ListenerName, arg: unknown): void {
    for (const cb of [...this.listeners[name]]) {
      try {
        (cb as (a: unknown) => void)(arg);
      } catch (e) {
        if (name !== 'Error') this.dispatchError(e);
      }
    }
  }

  private registerApp(o: Dict): void {
    if (this.appDef) throw new Error('App() can only be called once');
    this.appDef = o;
  }

  private register(kind: 'page' | 'component', o: Dict): void {
    const r = this.registering;
    if (!r) throw new Error(`${kind === 'page' ? 'Page' : 'Component'}() called outside a page/component module`);
    const def: Def = { kind: kind === 'page' ? 'page' : r.kind === 'page' ? 'component-page' : 'component', opts: o };
    if (r.kind === 'page') (this.pages.get(r.path) as PageDef).def = def;
    else (this.components.get(r.path) as { def?: Def }).def = def;
  }

  private evaluate(kind: 'page' | 'component', path: string): Def | undefined {
    const entry = kind === 'page' ? this.pages.get(path) : this.components.get(path);
    if (!entry) return undefined;
    if (!entry.def) {
      this.registering = { kind, path };
      try {
        entry.module(this.g);
      } finally {
        this.registering = undefined;
      }
    }
    return entry.def;
  }

  async callCloudFunction(name: string, data: unknown): Promise<Dict> {
    const fn = this.options.cloud?.[name];
    await new Promise<void>((r) => this.clock.setTimeout(r, this.options.cloudLatency ?? 0));
    if (!fn) throw new Error('-501000 FunctionName parameter could not be found');
    try {
      return { result: await fn(data), requestID: 'req-' + Date.now() };
    } catch (e) {
      throw new Error('-404011 cloud function execution error: ' + (e as Error).message);
    }
  }

  /** Waits virtual time (progresses only while the test runs the clock). */
  private sleep(ms: number): Promise<void> {
    return new Promise((r) => this.clock.setTimeout(r, ms));
  }

  // ---- lifecycle ----
  async launch(url?: string): Promise<void> {
    const [route, query] = parseUrl(url ?? [...this.pages.keys()][0] ?? '');
    const t0 = this.clock.now();
    this.launchOptions = { path: route, query, scene: 1001, referrerInfo: {} };
    await this.clock.advance(this.options.launchMs ?? 400);
    if (!this.appModule) throw new Error('no app.js module');
    this.appModule(this.g);
    if (!this.appDef) throw new Error('app.js did not call App()');
    this.app = { ...this.appDef };
    this.call(this.app, 'onLaunch', this.launchOptions);
    this.call(this.app, 'onShow', this.launchOptions);
    this.emit('AppShow', this.launchOptions);
    if (!this.pages.has(route)) {
      const res = { path: route, query, isEntryPage: true };
      this.call(this.app, 'onPageNotFound', res);
      this.emit('PageNotFound', res);
      return;
    }
    await this.clock.until(this.open(route, query, 'appLaunch', t0));
    const evalMs = this.options.launchMs ?? 400;
    this.perf.record([
      { entryType: 'loadPackage', name: 'downloadPackage', startTime: t0, duration: Math.round(evalMs / 2), moduleName: '__APP__' },
      { entryType: 'script', name: 'evaluateScript', startTime: t0 + evalMs / 2, duration: Math.round(evalMs / 2), moduleName: '__APP__' },
    ]);
  }

  private async open(route: string, query: Dict, navigationType: string, navStart: number): Promise<void> {
    const def = this.evaluate('page', route);
    if (!def) throw new Error(`page ${route} did not call Page() or Component()`);
    const pageId = ++this.pageSeq;
    const inst = createInstance(this, def, { route, options: query, pageId, setDataMs: this.options.setDataMs });
    const comps = (this.pages.get(route) as PageDef).components.map((path) => {
      const cdef = this.evaluate('component', path);
      if (!cdef) throw new Error(`component ${path} did not call Component()`);
      return createInstance(this, cdef, { route, options: {}, pageId, setDataMs: this.options.setDataMs, is: path });
    });
    inst.__components = comps;
    this.stack.push(inst);
    const loadAt = this.clock.now();
    for (const c of def.kind === 'component-page' ? [inst, ...comps] : comps) {
      this.lifetime(c, 'created');
      this.lifetime(c, 'attached');
    }
    this.call(inst, 'onLoad', query);
    this.call(inst, 'onShow');
    await this.sleep(this.options.renderMs ?? 120);
    if (this.dead) return;
    for (const c of comps) this.lifetime(c, 'ready');
    if (def.kind === 'component-page') this.lifetime(inst, 'ready');
    this.call(inst, 'onReady');
    const now = this.clock.now();
    const entries: SimEntry[] = [
      { entryType: 'navigation', name: navigationType === 'appLaunch' ? 'appLaunch' : 'route', startTime: navStart, duration: now - navStart, path: route, pageId, navigationType, navigationStart: navStart },
      { entryType: 'render', name: 'firstRender', startTime: loadAt, duration: now - loadAt, path: route, pageId },
    ];
    if (this.device.platform !== 'ios') {
      const r = this.options.renderMs ?? 120;
      entries.push(
        { entryType: 'render', name: 'firstPaint', startTime: loadAt + Math.round(r * 0.5), duration: 0, path: route, pageId },
        { entryType: 'render', name: 'firstContentfulPaint', startTime: loadAt + Math.round(r * 0.6), duration: 0, path: route, pageId },
        { entryType: 'render', name: 'largestContentfulPaint', startTime: loadAt + Math.round(r * 0.9), duration: 0, path: route, pageId },
      );
    }
    this.perf.record(entries);
  }

  private lifetime(inst: Inst, name: string): void {
    const opts = inst.__def.opts;
    const fn = (opts.lifetimes as Dict | undefined)?.[name] ?? opts[name];
    this.callFn(inst, fn, []);
  }

  private hideTop(unload: boolean): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) return;
    this.call(top, unload ? 'onUnload' : 'onHide');
    for (const c of top.__components) {
      if (unload) this.lifetime(c, 'detached');
      else this.callFn(c, (c.__def.opts.pageLifetimes as Dict | undefined)?.hide, []);
    }
    if (unload) {
      if (top.__def.kind === 'component-page') this.lifetime(top, 'detached');
      this.stack.pop();
    }
  }

  /** Navigation as wx.navigateTo & co run it: on timers, progressing while time runs. */
  async nav(kind: 'navigateTo' | 'redirectTo' | 'reLaunch' | 'navigateBack', url: string, delta = 1): Promise<void> {
    if (kind === 'navigateBack') {
      for (let i = 0; i < delta && this.stack.length > 1; i++) this.hideTop(true);
      this.call(this.stack[this.stack.length - 1], 'onShow');
      return this.sleep(this.options.routeMs ?? 30);
    }
    const [route, query] = parseUrl(url);
    if (!this.pages.has(route)) throw new Error(`page "${route}" is not found`);
    const t0 = this.clock.now();
    if (kind === 'reLaunch') while (this.stack.length) this.hideTop(true);
    else this.hideTop(kind === 'redirectTo');
    await this.sleep(this.options.routeMs ?? 30);
    await this.open(route, query, kind, t0);
  }

  /** Test-driven navigation: runs virtual time until the new page is ready. */
  navigateTo(url: string): Promise<void> {
    return this.clock.until(this.nav('navigateTo', url));
  }

  redirectTo(url: string): Promise<void> {
    return this.clock.until(this.nav('redirectTo', url));
  }

  reLaunch(url: string): Promise<void> {
    return this.clock.until(this.nav('reLaunch', url));
  }

  navigateBack(delta = 1): Promise<void> {
    return this.clock.until(this.nav('navigateBack', '', delta));
  }

  /** The user leaves the app (home button, another chat): Page.onHide → App.onHide → wx.onAppHide. */
  async background(): Promise<void> {
    this.hideTop(false);
    this.call(this.app, 'onHide');
    this.emit('AppHide', undefined);
    this.hidden = true;
    const at = (this.hiddenAt = this.clock.now());
    this.clock.setTimeout(() => {
      if (this.hidden && this.hiddenAt === at) this.net.interruptAll();
    }, 5000);
    await this.clock.advance(0);
  }

  async foreground(): Promise<void> {
    this.hidden = false;
    this.call(this.app, 'onShow', this.launchOptions);
    this.emit('AppShow', this.launchOptions);
    const top = this.stack[this.stack.length - 1];
    this.call(top, 'onShow');
    await this.clock.advance(0);
  }

  /** The process ends without any callback (crash, OOM kill): nothing more runs. */
  kill(): void {
    this.dead = true;
    this.stack = [];
  }

  memoryWarning(level?: number): void {
    this.emit('MemoryWarning', this.device.platform === 'android' && level !== undefined ? { level } : {});
  }

  setNetwork(type: string): void {
    this.networkType = type;
    this.emit('NetworkStatusChange', { isConnected: type !== 'none', networkType: type });
  }

  rejectUnhandled(reason: unknown): void {
    const res = { reason, promise: Promise.resolve() };
    this.call(this.app, 'onUnhandledRejection', res);
    if (versionAtLeast(this.baseLib, '2.10.0')) this.emit('UnhandledRejection', res);
  }

  currentPage(): Inst {
    const top = this.stack[this.stack.length - 1];
    if (!top) throw new Error('no page');
    return top;
  }

  /** A user event on the current page (or one of its components): tap, input, … */
  event(method: string, type = 'tap', init: { dataset?: Dict; detail?: Dict; component?: string } = {}): unknown {
    const page = this.currentPage();
    const target = init.component ? page.__components.find((c) => c.is === init.component) : page;
    if (!target) throw new Error('no component ' + init.component);
    const node = { id: 'n1', dataset: init.dataset ?? {} };
    const ev = { type, timeStamp: this.clock.now(), target: node, currentTarget: node, detail: init.detail ?? {}, mark: {} };
    return this.call(target, method, ev);
  }

  tap(method: string, dataset?: Dict, component?: string): unknown {
    return this.event(method, 'tap', { dataset, component });
  }

  input(method: string, value: string): unknown {
    return this.event(method, 'input', { detail: { value, cursor: value.length } });
  }

  /** Runs virtual time forward (timers, HTTP answers). */
  run(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }
}

function parseUrl(url: string): [string, Dict] {
  const [path = '', q = ''] = url.replace(/^\//, '').split('?');
  return [path, Object.fromEntries(new URLSearchParams(q))];
}
