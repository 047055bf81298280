/**
 * bench:sdk-mp — what the SDK costs the app: init() (wrapping, listeners, device info, crash
 * check, consent) and the synchronous cost per captured event (id, sampling, masking, queue).
 * Runs inside the simulated runtime; sending is not included (it happens later, on a timer).
 * Targets: < 20 µs per event, init < 5 ms.
 */
import { performance } from 'node:perf_hooks';
import { MiniProgramSim } from '../test/sim/index.js';
import type { Mg, MgOptions } from '../src/index.js';

let n = 0;
async function freshSdk(): Promise<Mg> {
  const url = new URL('../src/index.ts', import.meta.url).href + '?bench=' + ++n;
  return ((await import(url)) as { mg: Mg }).mg;
}

function opts(sim: MiniProgramSim): MgOptions {
  return { endpoint: 'http://127.0.0.1:9', key: 'k', env: 'test', global: sim.g, clock: sim.clock, queue: { maxEntries: 100_000, maxBytes: 1e8 } } as MgOptions;
}

async function main(): Promise<void> {
  // warm up the code paths once
  for (let i = 0; i < 30; i++) {
    const sim = new MiniProgramSim();
    const mg = await freshSdk();
    mg.init(opts(sim));
    for (let j = 0; j < 200; j++) {
      mg.track('warm', { j });
      mg.captureError(new Error('warm ' + (j % 3)));
      mg.checkin.attempt();
    }
    await mg.destroy().catch(() => undefined);
  }
  const inits: number[] = [];
  const perEvent: Record<string, number[]> = { track: [], captureError: [], checkin: [], wrappedMethod: [] };
  for (let round = 0; round < 40; round++) {
    const sim = new MiniProgramSim();
    sim.storage.set('mgops_s', { sid: 'prev', la: sim.clock.now() - 1000, c: 0, m: 0, bc: [] });
    const mg = await freshSdk();
    let t = performance.now();
    mg.init(opts(sim));
    inits.push(performance.now() - t);
    const N = 500;
    t = performance.now();
    for (let i = 0; i < N; i++) mg.track('mood_pick', { score: i % 5, calm: i % 2 === 0 });
    perEvent.track?.push(((performance.now() - t) * 1000) / N);
    const err = new Error('save failed for 13812345678');
    t = performance.now();
    for (let i = 0; i < N; i++) mg.captureError(err);
    perEvent.captureError?.push(((performance.now() - t) * 1000) / N);
    t = performance.now();
    for (let i = 0; i < N; i++) mg.checkin.attempt();
    perEvent.checkin?.push(((performance.now() - t) * 1000) / N);
    // a page method wrapped by mg.page(): the overhead of the wrapper itself (a tap breadcrumb)
    const page = mg.page({ onTap() {} }) as { onTap(e: unknown): void };
    const ev = { type: 'tap', currentTarget: { dataset: {} } };
    t = performance.now();
    for (let i = 0; i < N; i++) page.onTap.call({ route: 'pages/home/index' }, ev);
    perEvent.wrappedMethod?.push(((performance.now() - t) * 1000) / N);
    await mg.destroy().catch(() => undefined);
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
  console.log(`init(): ${median(inits).toFixed(3)} ms (median of ${inits.length}; target < 5 ms)`);
  for (const [k, v] of Object.entries(perEvent)) console.log(`${k}: ${median(v).toFixed(2)} µs per event (median; target < 20 µs)`);
  process.exit(0);
}

void main();
