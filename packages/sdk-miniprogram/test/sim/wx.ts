/**
 * The `wx` object of the simulation: the APIs the SDK and the test apps use, with callback and
 * promise forms where WeChat has both, availability by base library version, and listeners
 * (onError, onAppHide, onMemoryWarning, …) that the runtime really fires.
 */
import type { MiniProgramSim } from './runtime.js';

type Dict = Record<string, unknown>;
type Listener = (arg: never) => void;

export const LISTENERS = ['AppShow', 'AppHide', 'Error', 'UnhandledRejection', 'PageNotFound', 'MemoryWarning', 'NetworkStatusChange'] as const;
export type ListenerName = (typeof LISTENERS)[number];

/** since which base library each optional API exists */
const SINCE: Record<string, string> = {
  getPerformance: '2.11.0',
  onUnhandledRejection: '2.10.0',
  offUnhandledRejection: '2.10.0',
  getDeviceInfo: '2.20.1',
  getAppBaseInfo: '2.20.1',
  getWindowInfo: '2.20.1',
  getPrivacySetting: '2.32.3',
};

export function versionAtLeast(v: string, min: string): boolean {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

export function buildWx(sim: MiniProgramSim): Dict {
  const { storage, net } = sim;
  /** WeChat's dual form: callbacks when any is given, else a promise. Callbacks run asynchronously. */
  const dual =
    (name: string, impl: (o: Dict) => Dict | Promise<Dict>) =>
    (o: Dict = {}): Promise<Dict> | undefined => {
      const p = Promise.resolve()
        .then(() => impl(o))
        .then(
          (r) => ({ errMsg: `${name}:ok`, ...r }),
          (e: unknown) => Promise.reject({ errMsg: `${name}:fail ${e instanceof Error ? e.message : String(e)}` }),
        );
      if (!o.success && !o.fail && !o.complete) return p;
      p.then(
        (r) => {
          sim.invoke(o.success, r);
          sim.invoke(o.complete, r);
        },
        (e: unknown) => {
          sim.invoke(o.fail, e);
          sim.invoke(o.complete, e);
        },
      );
      return undefined;
    };
  const on = (name: ListenerName) => (cb: Listener) => void sim.listeners[name].add(cb);
  const off = (name: ListenerName) => (cb?: Listener) => (cb ? void sim.listeners[name].delete(cb) : sim.listeners[name].clear());
  const d = sim.device;

  const wx: Dict = {
    // ---- storage ----
    setStorageSync: (k: string, v: unknown) => storage.set(k, v),
    getStorageSync: (k: string) => storage.get(k),
    removeStorageSync: (k: string) => storage.remove(k),
    clearStorageSync: () => storage.data.clear(),
    getStorageInfoSync: () => storage.info(),
    setStorage: dual('setStorage', (o) => (storage.set(String(o.key), o.data), {})),
    getStorage: dual('getStorage', (o) => {
      if (!storage.data.has(String(o.key))) throw new Error('data not found');
      return { data: storage.get(String(o.key)) };
    }),
    removeStorage: dual('removeStorage', (o) => (storage.remove(String(o.key)), {})),
    // ---- network ----
    request: (o: Dict) => net.request(o),
    uploadFile: (o: Dict) => net.uploadFile(o),
    downloadFile: (o: Dict) => net.downloadFile(o),
    getNetworkType: dual('getNetworkType', () => ({ networkType: sim.networkType })),
    cloud: {
      init: () => undefined,
      callFunction: dual('cloud.callFunction', (o) => sim.callCloudFunction(String(o.name), o.data)),
      callContainer: dual('cloud.callContainer', (o) => net.callContainer(o, sim.options.containerBase ?? 'http://127.0.0.1:9')),
    },
    // ---- performance ----
    getPerformance: () => sim.perf,
    // ---- system ----
    getDeviceInfo: () => ({ brand: d.brand, model: d.model, system: d.system, platform: d.platform, ...(d.platform === 'android' ? { benchmarkLevel: d.benchmarkLevel } : {}), abi: 'arm64' }),
    getAppBaseInfo: () => ({ SDKVersion: sim.baseLib, version: d.wechat, language: 'zh_CN', theme: 'light', enableDebug: false, host: { env: 'WeChat' } }),
    getWindowInfo: () => ({ pixelRatio: d.pixelRatio, screenWidth: d.screenWidth, screenHeight: d.screenHeight, windowWidth: d.screenWidth, windowHeight: d.screenHeight - 88, statusBarHeight: 44 }),
    getSystemInfoSync: () => ({
      brand: d.brand,
      model: d.model,
      system: d.system,
      platform: d.platform,
      SDKVersion: sim.baseLib,
      version: d.wechat,
      pixelRatio: d.pixelRatio,
      screenWidth: d.screenWidth,
      screenHeight: d.screenHeight,
      ...(d.platform === 'android' ? { benchmarkLevel: d.benchmarkLevel } : {}),
    }),
    getLaunchOptionsSync: () => sim.launchOptions,
    getPrivacySetting: dual('getPrivacySetting', () => ({ needAuthorization: sim.privacyNeedsAuth, privacyContractName: '《MindGuard 隐私保护指引》' })),
    // ---- navigation ----
    navigateTo: dual('navigateTo', async (o) => (await sim.nav('navigateTo', String(o.url)), {})),
    redirectTo: dual('redirectTo', async (o) => (await sim.nav('redirectTo', String(o.url)), {})),
    navigateBack: dual('navigateBack', async (o) => (await sim.nav('navigateBack', '', Number(o.delta ?? 1)), {})),
    reLaunch: dual('reLaunch', async (o) => (await sim.nav('reLaunch', String(o.url)), {})),
    showToast: dual('showToast', () => ({})),
    showModal: dual('showModal', () => ({ confirm: true, cancel: false })),
  };
  for (const name of LISTENERS) {
    wx['on' + name] = on(name);
    wx['off' + name] = off(name);
  }
  for (const [name, since] of Object.entries(SINCE)) if (!versionAtLeast(sim.baseLib, since)) delete wx[name];
  if (sim.options.perf === false) delete wx.getPerformance;
  return wx;
}
