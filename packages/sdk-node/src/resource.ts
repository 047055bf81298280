/**
 * Resource sampler for hosts and long-running services: host CPU, memory, disk used / free,
 * network bytes, event-loop delay, database pool connections, and any extra gauges (storage
 * samplers). One `resource` event per gauge per interval; the timer never keeps the process alive.
 */
import { builtin } from './builtin.js';
import { recorderOf, type WithRecorder } from './global.js';
import type { EventInput } from './sink.js';
import { poolUsage } from './db/sql.js';

type ResourceEvent = Extract<EventInput, { type: 'resource' }>;
export type GaugeSource = () => ResourceEvent[] | Promise<ResourceEvent[]>;

export interface ResourceSamplerOptions extends WithRecorder {
  /** ms between samples (default 60 000) */
  intervalMs?: number;
  /** host name reported as the target (default `os.hostname()`) */
  host?: string;
  /** file systems to report (default `['/']`) */
  diskPaths?: string[];
  /** Linux network counters (default `/proc/net/dev`; skipped where absent) */
  netDevFile?: string;
  /** database pools whose connections are reported */
  pools?: { name: string; pool: object }[];
  /** more gauges, e.g. `pgStorage(pool)` */
  gauges?: GaugeSource[];
}

export interface ResourceSampler {
  /** takes one sample now (also what the timer does) */
  sample(): Promise<void>;
  stop(): void;
}

function cpuTimes(): { idle: number; total: number } {
  const os = builtin('node:os');
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

async function netBytes(file: string): Promise<{ rx: number; tx: number } | undefined> {
  try {
    const text = await builtin('node:fs/promises').readFile(file, 'utf8');
    let rx = 0;
    let tx = 0;
    for (const line of text.split('\n').slice(2)) {
      const [name, rest] = line.split(':');
      if (!rest || name?.trim() === 'lo') continue;
      const f = rest.trim().split(/\s+/).map(Number);
      rx += f[0] ?? 0;
      tx += f[8] ?? 0;
    }
    return { rx, tx };
  } catch {
    return undefined;
  }
}

export function startResourceSampler(options: ResourceSamplerOptions = {}): ResourceSampler {
  const os = builtin('node:os');
  const { statfs } = builtin('node:fs/promises');
  const { monitorEventLoopDelay } = builtin('node:perf_hooks');
  const host = (options.host ?? os.hostname()).slice(0, 100);
  const interval = Math.max(1000, options.intervalMs ?? 60_000);
  const netFile = options.netDevFile ?? '/proc/net/dev';
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let lastCpu = cpuTimes();
  let lastProcCpu = process.cpuUsage();
  let lastAt = performance.now();
  let lastNet: { rx: number; tx: number } | undefined;
  void netBytes(netFile).then((n) => (lastNet = n));

  async function sample(): Promise<void> {
    const rec = recorderOf(options);
    const out: ResourceEvent[] = [];
    const r = (resource: ResourceEvent['resource'], value: number, extra: Partial<ResourceEvent> = {}) =>
      out.push({ type: 'resource', resource, value: Math.round(value * 100) / 100, target: host, ...extra });
    try {
      const now = performance.now();
      const elapsedMs = Math.max(1, now - lastAt);
      lastAt = now;
      const cpu = cpuTimes();
      const dTotal = cpu.total - lastCpu.total;
      const hostPct = dTotal > 0 ? (1 - (cpu.idle - lastCpu.idle) / dTotal) * 100 : 0;
      lastCpu = cpu;
      const proc = process.cpuUsage(lastProcCpu);
      lastProcCpu = process.cpuUsage();
      const procPct = ((proc.user + proc.system) / 1000 / elapsedMs) * 100;
      r('cpu', hostPct, { capacity: 100, unit: '%', attrs: { process: Math.round(procPct * 100) / 100, cores: os.cpus().length, load1: os.loadavg()[0] ?? 0 } });
      const total = os.totalmem();
      r('memory', total - os.freemem(), { capacity: total, unit: 'bytes', attrs: { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed } });
      for (const path of options.diskPaths ?? ['/']) {
        try {
          const s = await statfs(path);
          const cap = s.blocks * s.bsize;
          r('disk', cap - s.bfree * s.bsize, { capacity: cap, unit: 'bytes', target: `${host}:${path}`.slice(0, 128), attrs: { free: s.bavail * s.bsize } });
        } catch {
          // a path that cannot be read is skipped
        }
      }
      const net = await netBytes(netFile);
      if (net && lastNet) {
        const rx = Math.max(0, net.rx - lastNet.rx);
        const tx = Math.max(0, net.tx - lastNet.tx);
        r('network', ((rx + tx) * 1000) / elapsedMs, { unit: 'B/s', attrs: { rxBytes: rx, txBytes: tx, intervalMs: Math.round(elapsedMs) } });
      }
      lastNet = net;
      r('event_loop', loop.percentile(99) / 1e6, { unit: 'ms', attrs: { mean: Math.round(loop.mean / 1e4) / 100, max: Math.round(loop.max / 1e4) / 100 } });
      loop.reset();
      for (const { name, pool } of options.pools ?? []) {
        const u = poolUsage(pool);
        if (u) r('connections', u.inUse, { capacity: u.max, target: name.slice(0, 128), attrs: { open: u.open, idle: u.idle, waiting: u.waiting } });
      }
      for (const g of options.gauges ?? []) {
        try {
          out.push(...(await g()));
        } catch (err) {
          rec.fault(err);
        }
      }
    } catch (err) {
      rec.fault(err);
    }
    for (const e of out) rec.emit(e);
  }

  const timer = setInterval(() => void sample(), interval);
  timer.unref();
  return {
    sample,
    stop() {
      clearInterval(timer);
      loop.disable();
    },
  };
}
