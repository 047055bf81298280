/** Device and environment from getDeviceInfo / getAppBaseInfo / getWindowInfo, or getSystemInfoSync. */
import type { DeviceContext, Dict, Wx } from './types.js';

function call(fn: (() => Dict) | undefined): Dict | undefined {
  try {
    return fn ? fn() : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown, max = 32): string | undefined => (typeof v === 'string' && v ? v.slice(0, max) : undefined);

export function deviceContext(wx: Wx): DeviceContext {
  let d = call(wx.getDeviceInfo);
  let b = call(wx.getAppBaseInfo);
  let w = call(wx.getWindowInfo);
  if (!d || !b) d = b = w = call(wx.getSystemInfoSync) || {};
  w = w || {};
  const sys = str(d.system) || '';
  const sp = sys.indexOf(' ');
  const ctx: DeviceContext = {
    brand: str(d.brand, 64),
    model: str(d.model, 128),
    os: str(sp > 0 ? sys.slice(0, sp) : sys),
    osVersion: str(sp > 0 ? sys.slice(sp + 1) : undefined, 64),
    platform: str(d.platform) || str(b.platform),
    wechat: str(b.version),
    baseLib: str(b.SDKVersion),
  };
  if (typeof w.screenWidth === 'number') ctx.screen = `${w.screenWidth}x${w.screenHeight}@${w.pixelRatio}`;
  if (typeof d.benchmarkLevel === 'number') ctx.benchmark = Math.max(-1, Math.min(100, Math.round(d.benchmarkLevel)));
  // fields left undefined are not sent (JSON)
  return ctx;
}
