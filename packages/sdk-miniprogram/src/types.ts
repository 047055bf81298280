/**
 * The slice of the WeChat mini-program runtime the SDK touches, typed structurally (the same
 * shapes as miniprogram-api-typings, reduced to what is used), and the SDK's options.
 */
import type { Clock, Compressor, ClientOptions, DeviceContext, MgEvent } from '@mgops/sdk-core';

export type Fn = (...args: never[]) => unknown;
export type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
export type Dict = Record<string, unknown>;

export interface WxCallbacks<R = Dict> {
  success?: (res: R) => void;
  fail?: (err: { errMsg: string; errCode?: number }) => void;
  complete?: (res: Dict) => void;
}

export interface RequestOptions extends WxCallbacks {
  url: string;
  data?: unknown;
  header?: Record<string, string>;
  method?: string;
  timeout?: number;
  dataType?: string;
  responseType?: string;
  filePath?: string;
  name?: string;
}

export interface PerfEntry {
  entryType: string;
  name: string;
  startTime: number;
  duration: number;
  path?: string;
  pageId?: number;
  navigationType?: string;
}

export interface Performance {
  createObserver(cb: (list: { getEntries(): PerfEntry[] }) => void): {
    observe(o: { entryTypes: string[] }): void;
    disconnect(): void;
  };
}

/** `wx`: every member optional, as base libraries differ. */
export interface Wx {
  request?: AnyFn;
  uploadFile?: AnyFn;
  downloadFile?: AnyFn;
  cloud?: { callFunction?: AnyFn; callContainer?: AnyFn } & Dict;
  getStorageSync?: (key: string) => unknown;
  setStorageSync?: (key: string, data: unknown) => void;
  removeStorageSync?: (key: string) => void;
  getPerformance?: () => Performance;
  onError?: (cb: (msg: string) => void) => void;
  offError?: (cb: (msg: string) => void) => void;
  onUnhandledRejection?: (cb: (res: { reason: unknown }) => void) => void;
  offUnhandledRejection?: (cb: (res: { reason: unknown }) => void) => void;
  onPageNotFound?: (cb: (res: { path: string }) => void) => void;
  offPageNotFound?: (cb: (res: { path: string }) => void) => void;
  onMemoryWarning?: (cb: (res: { level?: number }) => void) => void;
  offMemoryWarning?: (cb: (res: { level?: number }) => void) => void;
  onAppHide?: (cb: () => void) => void;
  offAppHide?: (cb: () => void) => void;
  onAppShow?: (cb: () => void) => void;
  offAppShow?: (cb: () => void) => void;
  onNetworkStatusChange?: (cb: (res: { isConnected: boolean; networkType: string }) => void) => void;
  offNetworkStatusChange?: (cb: (res: { isConnected: boolean; networkType: string }) => void) => void;
  getNetworkType?: (o: WxCallbacks<{ networkType: string }>) => unknown;
  getPrivacySetting?: (o: WxCallbacks<{ needAuthorization: boolean }>) => unknown;
  getDeviceInfo?: () => Dict;
  getAppBaseInfo?: () => Dict;
  getWindowInfo?: () => Dict;
  getSystemInfoSync?: () => Dict;
}

/** What the SDK reads from the global scope; pass it as `init({ global })` when it is not globalThis. */
export interface Host {
  wx?: Wx;
  App?: (o: Dict) => unknown;
  Page?: (o: Dict) => unknown;
  Component?: (o: Dict) => unknown;
  getCurrentPages?: () => Array<{ route?: string }>;
}

/** A declared `track()` property: a number, a boolean, or one of a closed list of strings. */
export type PropDecl = 'number' | 'boolean' | readonly string[];
export type FeatureDecl = Record<string, Record<string, PropDecl>>;
export type PropsOf<D> = {
  [K in keyof D]?: D[K] extends 'number' ? number : D[K] extends 'boolean' ? boolean : D[K] extends readonly (infer E)[] ? E : never;
};
/** Props of a declared feature use its declaration; an undeclared one takes numbers and booleans only. */
export type TrackProps<F, K> = string extends keyof F ? Record<string, number | boolean> : K extends keyof F ? PropsOf<F[K]> : Record<string, number | boolean>;

export interface MgOptions<F extends FeatureDecl = FeatureDecl> {
  /** collector base URL (must be in the mini-program's request domain list) */
  endpoint: string;
  /** ingest key (`mgops keys create`) */
  key: string;
  /** app id on the platform (default `mindguard`) */
  app?: string;
  env?: string;
  release?: string;
  /** wrap App/Page/Component and the wx network APIs (default true); false: explicit wrappers only */
  auto?: boolean;
  /** send nothing until `setConsent(true)` */
  requireConsent?: boolean;
  /** hold events while wx.getPrivacySetting says the user has not agreed yet (default true) */
  respectPrivacySetting?: boolean;
  features?: F;
  /** response body keys holding a business error code (default code, errcode, errCode, ret) */
  codeKeys?: string[];
  /** business codes meaning success (default 0 and "0") */
  okCodes?: Array<string | number>;
  /** URLs (substring or RegExp) not to record */
  ignoreUrls?: Array<string | RegExp>;
  /** setData slower than this is reported, ms (default 50) */
  slowSetDataMs?: number;
  /** how long to wait for performance entries before using lifecycle timing, ms (default 3000) */
  perfWaitMs?: number;
  sampling?: ClientOptions['sampling'];
  beforeSend?: (event: MgEvent) => MgEvent | null | undefined;
  batchSize?: number;
  flushIntervalMs?: number;
  queue?: ClientOptions['queue'];
  retry?: ClientOptions['retry'];
  /** optional gzip (e.g. from a bundled deflate); sent only when it makes the body ≥ 10 % smaller */
  compress?: Compressor;
  /** the global scope holding wx/App/Page/Component (default: found automatically) */
  global?: Host;
  clock?: Clock;
  random?: () => number;
  /** log SDK diagnostics with console.warn */
  debug?: boolean;
}

export type { DeviceContext, MgEvent };
