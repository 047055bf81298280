/**
 * Network API instrumentation: wx.request, wx.uploadFile, wx.downloadFile, wx.cloud.callFunction,
 * wx.cloud.callContainer. Records duration, HTTP status, business code, errMsg, route template and
 * sizes — never bodies. The wrapped call keeps its exact behaviour: the same return value
 * (RequestTask, or the promise of a promise-style call), the app's callbacks called as before,
 * and errors thrown by them propagating as before.
 */
import { urlTemplate } from '@mgops/protocol/mask';
import type { AnyFn, Dict } from './types.js';

export type Api = 'request' | 'uploadFile' | 'downloadFile' | 'callFunction' | 'callContainer';
export const APIS = 'request uploadFile downloadFile callFunction callContainer'.split(' ') as Api[];
/** wx.cloud's functions: on `wx.cloud`, and promise-style when called without callbacks */
export const CLOUD: Partial<Record<Api, 1>> = { callFunction: 1, callContainer: 1 };

export interface CallRecord {
  api_: Api;
  t0_: number;
  route_: string;
  method_?: string;
  reqBytes_?: number;
}

export interface NetHooks {
  now_(): number;
  ignored_(url: string): boolean;
  done_(rec: CallRecord, res: Dict | undefined, err: Dict | undefined): void;
  fault_(e: unknown): void;
}

/** Size of a body: text length, ArrayBuffer bytes, or the length of a JSON value's text (never the text itself). */
function size(v: unknown): number | undefined {
  if (typeof v === 'string') return v.length;
  if (v && typeof (v as ArrayBuffer).byteLength === 'number') return (v as ArrayBuffer).byteLength;
  try {
    return v && typeof v === 'object' ? JSON.stringify(v).length : undefined;
  } catch {
    return undefined;
  }
}

function begin(api: Api, o: Dict, h: NetHooks): CallRecord | undefined {
  const url = typeof o.url === 'string' ? o.url : typeof o.path === 'string' ? o.path : '';
  if (api !== 'callFunction' && (!url || h.ignored_(url))) return undefined;
  const fn = api === 'callFunction';
  return {
    api_: api,
    t0_: h.now_(),
    route_: fn ? String(o.name || '?') : urlTemplate(url),
    method_: fn ? undefined : String(o.method || (api === 'uploadFile' ? 'POST' : 'GET')).toUpperCase(),
    reqBytes_: size(o.data),
  };
}


/** A wrapper of one network API function. */
export function wrapCall(api: Api, orig: AnyFn, h: NetHooks): AnyFn {
  return function (this: unknown, ...args: unknown[]): unknown {
    const o = args[0] as Dict | undefined;
    let rec: CallRecord | undefined;
    try {
      if (o && typeof o === 'object') rec = begin(api, o, h);
    } catch (e) {
      h.fault_(e);
    }
    if (!rec || !o) return orig.apply(this, args);
    const r = rec;
    const end = (res: Dict | undefined, err: Dict | undefined): void => {
      try {
        h.done_(r, res, err);
      } catch (e) {
        h.fault_(e);
      }
    };
    if (CLOUD[api] && !o.success && !o.fail && !o.complete) {
      const p = orig.apply(this, args) as Promise<Dict> | undefined;
      if (!p || typeof p.then !== 'function') return p;
      return p.then(
        (res) => (end(res, undefined), res),
        (err: unknown) => {
          end(undefined, (err && typeof err === 'object' ? err : { errMsg: String(err) }) as Dict);
          throw err;
        },
      );
    }
    const success = o.success as AnyFn | undefined;
    const fail = o.fail as AnyFn | undefined;
    const copy: Dict = {};
    for (const k in o) copy[k] = o[k];
    copy.success = function (this: unknown, res: Dict) {
      end(res, undefined);
      if (success) return success.call(this, res);
    };
    copy.fail = function (this: unknown, err: Dict) {
      end(undefined, err);
      if (fail) return fail.call(this, err);
    };
    args[0] = copy;
    return orig.apply(this, args);
  };
}

/** The business code of a response body, e.g. `{ code: 40001 }`; JSON text is peeked into only when short. */
export function businessCode(data: unknown, keys: string[]): string | number | undefined {
  let d = data;
  if (typeof d === 'string' && d.length < 4096 && d.charAt(0) === '{') {
    try {
      d = JSON.parse(d) as unknown;
    } catch {
      return undefined;
    }
  }
  if (!d || typeof d !== 'object') return undefined;
  for (const k of keys) {
    const v = (d as Dict)[k];
    if (typeof v === 'number' || (typeof v === 'string' && v.length <= 32)) return v;
  }
  return undefined;
}

export function headerLength(header: unknown): number | undefined {
  if (!header || typeof header !== 'object') return undefined;
  for (const k in header as Dict) {
    if (k.toLowerCase() === 'content-length') {
      const n = Number((header as Dict)[k]);
      return isFinite(n) && n >= 0 ? n : undefined;
    }
  }
  return undefined;
}

export { size as bodySize };
