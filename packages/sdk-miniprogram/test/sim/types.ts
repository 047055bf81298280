/** Types and presets of the simulated runtime. */
import type { SimClock } from './clock.js';
import type { SimStorage } from './storage.js';
import type { Inst } from './instances.js';

type Dict = Record<string, unknown>;
export type Module = (g: SimGlobal) => void;

export interface SimGlobal {
  wx: Dict;
  App: (o: Dict) => void;
  Page: (o: Dict) => void;
  Component: (o: Dict) => void;
  getApp: () => Dict | undefined;
  getCurrentPages: () => Inst[];
}

export interface Device {
  brand: string;
  model: string;
  system: string;
  platform: 'android' | 'ios' | 'devtools';
  wechat: string;
  benchmarkLevel: number;
  pixelRatio: number;
  screenWidth: number;
  screenHeight: number;
}

export const DEVICES: Record<'android' | 'ios', Device> = {
  android: { brand: 'HUAWEI', model: 'ELS-AN00', system: 'Android 12', platform: 'android', wechat: '8.0.50', benchmarkLevel: 28, pixelRatio: 3, screenWidth: 393, screenHeight: 851 },
  ios: { brand: 'iPhone', model: 'iPhone 13<iPhone14,5>', system: 'iOS 17.5.1', platform: 'ios', wechat: '8.0.51', benchmarkLevel: -1, pixelRatio: 3, screenWidth: 390, screenHeight: 844 },
};

export interface SimOptions {
  platform?: 'android' | 'ios';
  baseLib?: string;
  /** false: no wx.getPerformance (as before 2.11.0) */
  perf?: boolean;
  /** when observers receive entries after they happen (virtual ms, default 50) */
  perfDelayMs?: number;
  /** plugins declared: wx, App, Page, Component are not writable */
  frozen?: boolean;
  storage?: SimStorage;
  files?: Map<string, Buffer>;
  clock?: SimClock;
  network?: string;
  /** virtual latency of each HTTP answer (ms) */
  latency?: number | ((url: string) => number);
  /** package download and script evaluation before App.onLaunch (default 400) */
  launchMs?: number;
  /** onShow → onReady: first render (default 120) */
  renderMs?: number;
  /** navigation start → onLoad (default 30) */
  routeMs?: number;
  /** virtual cost of one setData, from its data keys (default 4 ms) */
  setDataMs?: (keys: string[]) => number;
  privacyNeedsAuth?: boolean;
  cloud?: Record<string, (data: unknown) => unknown>;
  cloudLatency?: number;
  containerBase?: string;
}

