export { MiniProgramSim, DEVICES, type Module, type SimGlobal, type SimOptions } from './runtime.js';
export { SimClock } from './clock.js';
export { SimStorage } from './storage.js';
export type { Inst } from './instances.js';
export { startBackend, startCollector, type Backend, type Collector } from './servers.js';
