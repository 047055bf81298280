/**
 * Page and component instances as WeChat builds them: data copied from the definition, methods
 * copied onto the instance (component methods from `methods`), `route`/`options`/`is`, and a real
 * `setData` that updates `data` by path at once and calls its callback — and the
 * setUpdatePerformanceListener listener (base library ≥ 2.12.0) — after the virtual render time.
 */
import type { MiniProgramSim } from './runtime.js';
import { versionAtLeast } from './wx.js';

type Dict = Record<string, unknown>;

export interface Def {
  kind: 'page' | 'component' | 'component-page';
  opts: Dict;
}

export interface Inst extends Dict {
  route: string;
  is: string;
  data: Dict;
  options: Dict;
  setData(data: Dict, cb?: () => void): void;
  __def: Def;
  __components: Inst[];
}

function setPath(data: Dict, path: string, value: unknown): void {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o: Dict = data;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i] as string;
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = /^\d+$/.test(keys[i + 1] ?? '') ? [] : {};
    o = o[k] as Dict;
  }
  o[keys[keys.length - 1] as string] = value;
}

function pathArray(path: string): Array<string | number> {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
}

let updateSeq = 0;

export function createInstance(sim: MiniProgramSim, def: Def, init: { route: string; options: Dict; pageId: number; is?: string; setDataMs?: (keys: string[]) => number }): Inst {
  const opts = def.opts;
  const inst = {} as Inst;
  const methods = def.kind === 'page' ? opts : ((opts.methods as Dict | undefined) ?? {});
  for (const [k, v] of Object.entries(def.kind === 'page' ? opts : {})) if (typeof v !== 'function' && k !== 'data') inst[k] = v;
  for (const [k, v] of Object.entries(methods)) if (typeof v === 'function') inst[k] = v;
  inst.data = structuredClone((opts.data as Dict | undefined) ?? {});
  inst.route = init.route;
  inst.is = init.is ?? init.route;
  inst.options = init.options;
  inst.__wxWebviewId__ = init.pageId;
  inst.__def = def;
  inst.__components = [];
  let listener: ((r: Dict) => void) | undefined;
  let withPaths = false;
  inst.setData = function (this: Inst, data: Dict, cb?: () => void): void {
    if (typeof data !== 'object' || data === null) throw new Error('setData:fail data should be an object');
    const start = sim.clock.now();
    const keys = Object.keys(data);
    for (const k of keys) setPath(this.data, k, data[k]);
    const cost = init.setDataMs ? init.setDataMs(keys) : 4;
    const id = ++updateSeq;
    sim.clock.setTimeout(() => {
      const end = sim.clock.now();
      if (listener) {
        const r: Dict = { updateProcessId: id, parentUpdateProcessId: 0, isMergedUpdate: false, pendingStartTimestamp: start, updateStartTimestamp: start + 1, updateEndTimestamp: end };
        if (withPaths) r.dataPaths = keys.map(pathArray);
        sim.invoke(listener, r);
      }
      if (cb) sim.invoke(() => cb.call(this));
    }, cost);
  };
  if (versionAtLeast(sim.baseLib, '2.12.0')) {
    inst.setUpdatePerformanceListener = (o: { withDataPaths?: boolean }, cb: (r: Dict) => void) => {
      withPaths = !!o?.withDataPaths;
      listener = cb;
    };
  }
  return inst;
}
