/**
 * App / Page / Component options instrumentation (used by the automatic wrappers and by the
 * explicit `mg.app()`, `mg.page()`, `mg.component()`): lifecycle timing, page views with dwell
 * time, slow setData (path names only), tap breadcrumbs (handler names only, never datasets) and
 * errors thrown by methods. The app's functions run exactly as before and their errors propagate.
 */
import type { Ctx } from './ctx.js';
import type { AnyFn, Dict } from './types.js';

type Hook = (self: Dict, args: unknown[]) => void;

interface PageState {
  load_: number;
  show_: number;
}

const states = new WeakMap<object, PageState>();
const done = new WeakSet<object>();
const PAGE_LIFE = ['onLoad', 'onShow', 'onReady', 'onHide', 'onUnload'];

export function routeOf(self: Dict): string {
  return String(self.route || self.is || '?');
}

function method(ctx: Ctx, name: string, fn: AnyFn | undefined, before?: Hook, ui?: boolean): AnyFn {
  return function (this: unknown, ...args: unknown[]): unknown {
    const self = (this || {}) as Dict;
    try {
      if (before) before(self, args);
      const ev = args[0] as Dict | undefined;
      if (ui && ev && typeof ev === 'object' && typeof ev.type === 'string' && 'currentTarget' in ev) ctx.crumb_('ui', ev.type + ' ' + name);
    } catch (e) {
      ctx.fault_(e);
    }
    if (!fn) return undefined;
    try {
      return fn.apply(this, args);
    } catch (e) {
      ctx.methodError_(e, name);
      throw e;
    }
  };
}

function pathNames(paths: unknown): string[] {
  const out: string[] = [];
  if (!Array.isArray(paths)) return out;
  for (const p of paths) {
    const s = Array.isArray(p) ? p.map((x) => (typeof x === 'number' ? '[]' : String(x))).join('.') : String(p);
    if (out.length < 20) out.push(s.replace(/\[\d+\]/g, '[]').replace(/\.\[\]/g, '[]').slice(0, 128));
  }
  return out;
}

function watchSetData(ctx: Ctx, self: Dict, route: string): void {
  const report = (duration: number, paths: string[]): void => {
    if (duration >= ctx.slowMs_) ctx.emit_({ type: 'slow_set_data', page: route, duration: Math.round(duration), paths });
  };
  if (typeof self.setUpdatePerformanceListener === 'function') {
    (self.setUpdatePerformanceListener as AnyFn).call(self, { withDataPaths: true }, (r: Dict) => {
      try {
        report(Number(r.updateEndTimestamp) - Number(r.pendingStartTimestamp), pathNames(r.dataPaths));
      } catch (e) {
        ctx.fault_(e);
      }
    });
    return;
  }
  const setData = self.setData;
  if (typeof setData !== 'function') return;
  self.setData = function (this: unknown, data: unknown, cb?: AnyFn) {
    const t0 = ctx.now_();
    const keys = data && typeof data === 'object' ? Object.keys(data) : [];
    return (setData as AnyFn).call(this, data, function (this: unknown, ...a: unknown[]) {
      try {
        report(ctx.now_() - t0, pathNames(keys));
      } catch (e) {
        ctx.fault_(e);
      }
      if (cb) return cb.apply(this, a);
    });
  };
}

function view(ctx: Ctx, self: Dict): void {
  const st = states.get(self);
  if (!st || !st.show_) return;
  ctx.emit_({ type: 'page_view', page: routeOf(self), dwell: Math.max(0, ctx.now_() - st.show_) });
  st.show_ = 0;
}

function pageHooks(ctx: Ctx): Record<string, Hook> {
  return {
    onLoad: (self) => {
      const route = routeOf(self);
      states.set(self, { load_: ctx.now_(), show_: 0 });
      ctx.pageLoad_(route);
      watchSetData(ctx, self, route);
    },
    onShow: (self) => {
      const st = states.get(self);
      if (st) st.show_ = ctx.now_();
      ctx.pageShown_(routeOf(self));
    },
    onReady: (self) => {
      const st = states.get(self);
      if (st) ctx.pageReady_(routeOf(self), st.load_);
    },
    onHide: (self) => view(ctx, self),
    onUnload: (self) => view(ctx, self),
  };
}

function wrapAll(ctx: Ctx, src: Dict, hooks: Record<string, Hook>, addMissing: string[]): Dict {
  const out: Dict = {};
  for (const k in src) {
    const v = src[k];
    out[k] = typeof v === 'function' ? method(ctx, k, v as AnyFn, hooks[k], !hooks[k]) : v;
  }
  for (const k of addMissing) if (typeof src[k] !== 'function') out[k] = method(ctx, k, undefined, hooks[k]);
  return out;
}

function once(opts: Dict, make: () => Dict): Dict {
  if (!opts || typeof opts !== 'object' || done.has(opts)) return opts;
  const out = make();
  done.add(out);
  return out;
}

export function instrumentPage(ctx: Ctx, opts: Dict): Dict {
  return once(opts, () => wrapAll(ctx, opts, pageHooks(ctx), PAGE_LIFE));
}

export function instrumentComponent(ctx: Ctx, opts: Dict): Dict {
  return once(opts, () => {
    const out = wrapAll(ctx, opts, {}, []);
    const m = opts.methods as Dict | undefined;
    if (m && typeof m === 'object') {
      // a page built with Component(): its page lifecycle lives in methods
      const isPage = PAGE_LIFE.some((k) => typeof m[k] === 'function');
      out.methods = isPage ? wrapAll(ctx, m, pageHooks(ctx), PAGE_LIFE) : wrapAll(ctx, m, {}, []);
    }
    for (const k of ['lifetimes', 'pageLifetimes']) {
      const l = opts[k] as Dict | undefined;
      if (l && typeof l === 'object') out[k] = wrapAll(ctx, l, {}, []);
    }
    return out;
  });
}

export function instrumentApp(ctx: Ctx, opts: Dict): Dict {
  return once(opts, () =>
    wrapAll(
      ctx,
      opts,
      {
        onShow: () => ctx.appShow_(),
        onHide: () => ctx.appHide_(),
        onError: (_s, a) => ctx.appError_('error', a[0]),
        onUnhandledRejection: (_s, a) => ctx.appError_('unhandledrejection', (a[0] as Dict | undefined)?.reason),
      },
      ['onShow', 'onHide'],
    ),
  );
}
