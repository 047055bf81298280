/**
 * One running SDK: the core client over wx.request and wx storage, the global wx listeners, the
 * automatic wrappers, crash detection, consent and the manual API. Returned as the methods that
 * `mg.init()` installs on `mg`.
 */
import { createClient, defaultClock, isValidEventId, newEventId, type ClientOptions, type EventInput, type StoragePort } from '@mgops/sdk-core';
import { maskString, urlTemplate } from '@mgops/protocol/mask';
import type { Ctx } from './ctx.js';
import { deviceContext } from './device.js';
import { cleanMessage, errorInfo } from './errors.js';
import { instrumentApp, instrumentComponent, instrumentPage } from './instrument.js';
import { APIS, CLOUD, bodySize, businessCode, headerLength, wrapCall, type Api, type NetHooks } from './network.js';
import { createSession } from './session.js';
import { createTiming } from './timing.js';
import { replace, type Restore } from './wrap.js';
import type { Mg } from './index.js';
import type { AnyFn, Dict, Host, MgOptions, Wx } from './types.js';

export const VERSION = '0.1.0';
const OPT_OUT = 'mgops_optout';
const ID = /^[A-Za-z0-9_.:-]{8,128}$/;

export type SdkApi = Omit<Mg, 'init' | 'version'>;

export function findHost(): Host {
  return (typeof globalThis !== 'undefined' ? globalThis : {}) as Host;
}

/** The unwrapped API function and the object to call it on. */
export function rawApi(wx: Wx | undefined, api: Api): [AnyFn | undefined, unknown] {
  const target = wx && (CLOUD[api] ? wx.cloud : wx);
  const f = target && (target as Record<string, unknown>)[api];
  return [typeof f === 'function' ? (f as AnyFn) : undefined, target];
}

function wxStorage(wx: Wx): StoragePort | undefined {
  const get = wx.getStorageSync;
  const set = wx.setStorageSync;
  const remove = wx.removeStorageSync;
  if (!get || !set || !remove) return undefined;
  return {
    get: (k) => {
      const v = get.call(wx, k);
      return typeof v === 'string' ? v : v ? JSON.stringify(v) : null;
    },
    set: (k, v) => set.call(wx, k, v),
    remove: (k) => remove.call(wx, k),
  };
}

export function createSdk(o: MgOptions, onDestroy: () => void): SdkApi {
  const host = o.global || findHost();
  const wx: Wx = host.wx || {};
  const clock = o.clock || defaultClock;
  const now = (): number => clock.now();
  const storage = wxStorage(wx);
  const raw: Partial<Record<Api, [AnyFn | undefined, unknown]>> = {};
  for (const a of APIS) raw[a] = rawApi(wx, a);
  const warn = (m: string): void => {
    if (o.debug) console.warn(m);
  };
  let optedOut = false;
  try {
    optedOut = !!storage && storage.get(OPT_OUT) === '1';
  } catch {
    // unreadable storage: not opted out
  }
  let given = !o.requireConsent;
  let privacy = o.respectPrivacySetting !== false && typeof wx.getPrivacySetting === 'function';
  const request = (raw.request as [AnyFn | undefined, unknown])[0];
  const client = createClient(
    Object.assign({}, o, {
      app: o.app || 'mindguard',
      sdk: { name: 'mgops-miniprogram', version: VERSION },
      storage,
      clock,
      consent: optedOut ? 'denied' : given && !privacy ? 'granted' : 'pending',
      context: deviceContext(wx),
      log: warn,
    }) as ClientOptions,
    (req) =>
      new Promise((resolve) => {
        const b = req.body;
        if (!request) return resolve({ status: 0 });
        request.call(wx, {
          url: req.url,
          method: 'POST',
          header: req.headers,
          timeout: req.timeoutMs,
          data: typeof b === 'string' ? b : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength),
          success: (r: Dict) => resolve({ status: Number(r.statusCode) || 0, headers: r.header as Record<string, string>, body: r.data }),
          fail: () => resolve({ status: 0 }),
        });
      }),
  );
  const fault = (e: unknown): void => client.recordError('hook', e);
  const session = createSession(storage, now, newEventId(now(), o.random));
  const s = session.s_;
  const codeKeys = o.codeKeys || ['code', 'errcode', 'errCode', 'ret'];
  const okCodes = o.okCodes || [0, '0'];
  const ignore = (o.ignoreUrls || []).concat([o.endpoint]);
  const restores: Restore[] = [];
  const listening: Record<string, 1> = {};
  let hidden = false;
  let lastMethodError = '';
  let lastMethodErrorAt = 0;

  const emit = (ev: EventInput): void => {
    if (ev.page === undefined && s.pg) ev.page = s.pg;
    client.capture(ev);
  };
  const crumb = session.crumb_;
  const timing = createTiming(wx, clock, now(), o.perfWaitMs || 3000, emit, fault);

  const jsError = (kind: 'error' | 'unhandledrejection' | 'method', e: unknown, method?: string): void => {
    // an error thrown by a wrapped method reaches wx.onError too: report it once
    if (kind === 'error' && lastMethodError && String(e).indexOf(lastMethodError) >= 0 && now() - lastMethodErrorAt < 2000) return;
    if (kind === 'method') {
      lastMethodError = String(e && typeof e === 'object' ? (e as Error).message : e);
      lastMethodErrorAt = now();
    }
    const info = errorInfo(e);
    // fields left undefined are dropped by the core's scrub
    const ev = { type: 'js_error', kind, message: info.message_, stack: info.stack_, breadcrumbs: s.bc.slice(-10), attrs: method ? { method } : undefined } as EventInput;
    crumb('error', info.message_.slice(0, 80));
    emit(ev);
  };

  const updateConsent = (): void => {
    client.setConsent(optedOut ? 'denied' : !given || privacy ? 'pending' : 'granted');
    if (privacy && wx.getPrivacySetting)
      wx.getPrivacySetting({
        success: (r) => {
          if (privacy !== !!r.needAuthorization) {
            privacy = !privacy;
            updateConsent();
          }
        },
      });
  };

  const ctx: Ctx = {
    now_: now,
    emit_: emit,
    fault_: fault,
    crumb_: crumb,
    slowMs_: o.slowSetDataMs || 50,
    methodError_: (e, method) => jsError('method', e, method),
    pageLoad_: (route) => void (s.pg = route),
    pageShown_: (route) => {
      s.pg = route;
      crumb('nav', route);
      session.save_();
    },
    pageReady_: timing.pageReady_,
    appShow_: () => {
      if (!hidden) return;
      hidden = false;
      s.c = 0;
      crumb('app', 'show');
      session.save_();
      updateConsent();
    },
    appHide_: () => {
      if (hidden) return;
      hidden = true;
      s.c = 1;
      crumb('app', 'hide');
      session.save_();
      client.persist();
      // WeChat interrupts requests 5 s after the app goes to the background
      void client.flush(4000);
    },
    appError_: (kind, e) => {
      // App onError / onUnhandledRejection only where wx.onError / wx.onUnhandledRejection are missing
      if (!listening[kind === 'error' ? 'Error' : 'UnhandledRejection']) jsError(kind, e);
    },
  };

  const net: NetHooks = {
    now_: now,
    fault_: fault,
    ignored_: (url) => ignore.some((p) => (typeof p === 'string' ? url.indexOf(p) === 0 : p.test(url))),
    done_: (rec, res, err) => {
      const status = res && typeof res.statusCode === 'number' ? res.statusCode : undefined;
      const data = res && (rec.api_ === 'callFunction' ? res.result : res.data);
      const code = err && err.errCode !== undefined ? (err.errCode as number) : businessCode(data, codeKeys);
      const rb = res && headerLength(res.header);
      crumb('api', (rec.method_ || rec.api_) + ' ' + rec.route_ + ' ' + (status || (err ? 'fail' : 'ok')));
      // fields left undefined are dropped by the core's scrub
      emit({
        type: 'api_request',
        side: 'client',
        api: rec.api_,
        route: rec.route_,
        duration: Math.max(0, now() - rec.t0_),
        ok: !err && !(Number(status) >= 400) && (code === undefined || okCodes.indexOf(code) >= 0),
        method: rec.method_,
        status,
        code,
        errMsg: err && cleanMessage(String(err.errMsg || 'fail')),
        reqBytes: rec.reqBytes_,
        resBytes: rb === undefined ? bodySize(data) : rb,
      } as EventInput);
    },
  };

  // ---- the previous session: a crash if it did not end cleanly ----
  const prev = session.prev_;
  client.setSession(s.sid);
  if (prev && prev.c === 0)
    emit({ type: 'crash', sid: prev.sid, page: prev.pg, reason: prev.m > 0 ? 'oom_suspected' : 'abnormal_exit', lastPage: prev.pg, lastActive: prev.la, crashedSid: prev.sid, breadcrumbs: prev.bc });
  session.save_();

  // ---- global listeners ----
  const w = wx as unknown as Record<string, AnyFn | undefined>;
  const on = <T>(name: string, cb: (x: T) => void): void => {
    const h = (x: T): void => {
      try {
        cb(x);
      } catch (e) {
        fault(e);
      }
    };
    try {
      (w['on' + name] as AnyFn).call(wx, h);
      listening[name] = 1;
      restores.push(() => (w['off' + name] as AnyFn).call(wx, h));
    } catch {
      // listener not available in this base library
    }
  };
  on<string>('Error', (m) => jsError('error', m));
  on<{ reason?: unknown }>('UnhandledRejection', (r) => jsError('unhandledrejection', r && r.reason));
  on<{ path?: string }>('PageNotFound', (r) =>
    emit({ type: 'js_error', kind: 'page_not_found', message: 'page not found: ' + urlTemplate(String(r && r.path)), breadcrumbs: s.bc.slice(-10) }),
  );
  on<{ level?: number }>('MemoryWarning', (r) => {
    s.m++;
    crumb('memory', 'warning');
    session.save_();
    emit({ type: 'memory_warning', level: r && typeof r.level === 'number' ? r.level : undefined });
  });
  on('AppHide', ctx.appHide_);
  on('AppShow', ctx.appShow_);
  const setNet = (type: unknown): void => {
    const dc = deviceContext(wx);
    dc.network = String(type).slice(0, 16);
    client.setContext(dc);
  };
  on<{ isConnected: boolean; networkType: string }>('NetworkStatusChange', (r) => {
    setNet(r.networkType);
    crumb('net', String(r.networkType));
    if (r.isConnected) client.resetBackoff();
  });
  for (const f of [() => wx.getNetworkType && wx.getNetworkType({ success: (r) => setNet(r.networkType) }), updateConsent]) {
    try {
      f();
    } catch (e) {
      fault(e);
    }
  }

  // ---- automatic wrappers ----
  let explicitOnly = o.auto === false;
  if (!explicitOnly) {
    const inst: Record<string, (c: Ctx, opts: Dict) => Dict> = { App: instrumentApp, Page: instrumentPage, Component: instrumentComponent };
    const patches: Record<string, Restore | null> = {};
    for (const k in inst) patches[k] = replace(host, k, (f) => (opts) => f((inst[k] as typeof instrumentApp)(ctx, opts as Dict)));
    for (const a of APIS) patches[a] = replace((raw[a] as [unknown, object])[1], a, (f) => wrapCall(a, f, net));
    explicitOnly = !patches.App || !patches.Page || !patches.request;
    if (explicitOnly) warn('mgops: wx/App/Page not writable: use mg.app, mg.page, mg.request');
    for (const k in patches) if (patches[k]) restores.push(patches[k] as Restore);
  }

  /** Runs a manual API call: an SDK fault is swallowed and counted, never thrown into the app. */
  const safe = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      fault(e);
    }
  };
  const setOptOut = (v: boolean): void =>
    safe(() => {
      optedOut = v;
      if (storage && v) storage.set(OPT_OUT, '1');
      else if (storage) storage.remove(OPT_OUT);
      updateConsent();
    });
  const checkin = (outcome: string, reason?: string): void => safe(() => emit({ type: 'checkin', outcome, reason: reason ? cleanMessage(String(reason)).slice(0, 128) : undefined } as EventInput));

  const api = {
    app: (opts) => instrumentApp(ctx, opts as Dict) as typeof opts,
    page: (opts) => instrumentPage(ctx, opts as Dict) as typeof opts,
    component: (opts) => instrumentComponent(ctx, opts as Dict) as typeof opts,
    track: (feature, props) =>
      safe(() => {
        const decl = (o.features || {})[feature];
        const attrs: Record<string, number | boolean | string> = {};
        const p = (props || {}) as Dict;
        for (const k in p) {
          const v = p[k];
          const d = decl && decl[k];
          if ((typeof v === 'number' && isFinite(v) && (!d || d === 'number')) || (typeof v === 'boolean' && (!d || d === 'boolean')) || (typeof v === 'string' && Array.isArray(d) && d.indexOf(v) >= 0))
            attrs[k] = v;
          else client.recordError('track', new Error(`'${feature}.${k}' refused: not a number, boolean or declared value`));
        }
        emit({ type: 'feature_use', feature, attrs });
      }),
    captureError: (e) => safe(() => jsError('method', e, 'captureError')),
    checkin: {
      attempt: () => checkin('attempt'),
      success: () => checkin('success'),
      failure: (reason) => checkin('failure', reason),
    },
    sos: (sosId) =>
      safe(() => {
        if (!isValidEventId(sosId)) return client.recordDrop('invalid');
        crumb('sos', 'triggered');
        emit({ type: 'sos', sosId, action: 'triggered' });
        void client.flush(4000);
      }),
    // the collector follows runs through the configured flows and finds where users leave
    funnel: (name, step) => safe(() => emit({ type: 'funnel_step', funnel: String(name), step: String(step) } as EventInput)),
    setUser: (id) => {
      if (id === undefined) return client.setUser(undefined), true;
      const ok = typeof id === 'string' && ID.test(id) && !/^\d+$/.test(id) && maskString(id) === id;
      if (ok) client.setUser(id);
      return ok;
    },
    breadcrumb: (c, m) => safe(() => crumb(String(c).slice(0, 64), cleanMessage(String(m)))),
    setConsent: (granted) =>
      safe(() => {
        given = granted !== false;
        updateConsent();
      }),
    optOut: () => setOptOut(true),
    optIn: () => setOptOut(false),
    isOptedOut: () => optedOut,
    flush: (t) => client.flush(t),
    stats: () => Object.assign(client.stats(), { explicitOnly }),
    destroy: () => {
      onDestroy();
      for (const r of restores.splice(0)) safe(r);
      timing.stop_();
      return client.close(2000).then(() => undefined);
    },
  } as SdkApi;
  // mg.request(...) & co: the original wx function, instrumented
  for (const a of APIS)
    api[a] = (opts) => {
      const [f, target] = raw[a] as [AnyFn | undefined, unknown];
      if (!f) throw new Error('wx.' + a + ' is not available');
      return wrapCall(a, f, net).call(target, opts);
    };
  return api;
}
