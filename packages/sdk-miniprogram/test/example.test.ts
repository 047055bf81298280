/**
 * The example mini-program (examples/miniprogram) runs unchanged inside the simulation: its app.js
 * and page files are evaluated in a separate JavaScript context whose globals are wx, App, Page,
 * getApp (as in WeChat), with `require('@mgops/sdk-miniprogram')` answering the built bundle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { MiniProgramSim, startBackend, startCollector } from './sim/index.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const example = fileURLToPath(new URL('../../../examples/miniprogram/', import.meta.url));

test('the example app: launch, pages, request, check-in funnel, feature use, error, SOS', async () => {
  execFileSync(process.execPath, [pkg + 'scripts/build.mjs'], { stdio: 'pipe' });
  const collector = await startCollector();
  const backend = await startBackend({ '/api/v1/health': { body: { code: 0 } } });
  const sim = new MiniProgramSim({ latency: 15 });
  const sandbox = sim.g as unknown as Record<string, unknown>;
  Object.assign(sandbox, {
    console: { log: () => undefined, warn: () => undefined, error: console.error },
    setTimeout: (fn: () => void, ms: number) => sim.clock.setTimeout(fn, ms),
    clearTimeout: (h: unknown) => sim.clock.clearTimeout(h),
  });
  const ctx = vm.createContext(sandbox);
  const load = (file: string, require: (id: string) => unknown): unknown => {
    const module = { exports: {} };
    vm.runInContext(`(function (require, module, exports) {${readFileSync(file, 'utf8')}\n})`, ctx, { filename: file })(require, module, module.exports);
    return module.exports;
  };
  let sdk: { mg: { destroy(): Promise<void> } } | undefined;
  const require = (id: string): unknown => {
    if (id === '@mgops/sdk-miniprogram') return (sdk ??= load(pkg + 'dist/index.js', () => undefined) as typeof sdk);
    if (id === './config') return { endpoint: collector.url, key: 'mgk_test', api: backend.url };
    throw new Error('unexpected require ' + id);
  };
  const appJson = JSON.parse(readFileSync(example + 'app.json', 'utf8')) as { pages: string[] };
  sim.appJs(() => void load(example + 'app.js', require));
  for (const route of appJson.pages) sim.page(route, () => void load(example + route + '.js', require));
  try {
    await sim.launch();
    await sim.run(100);
    sim.tap('breathe');
    sim.tap('goCheckin');
    await sim.run(300);
    sim.tap('choose', { mood: 'bad' });
    sim.tap('submit');
    await sim.run(300);
    sim.tap('crash');
    sim.tap('sos');
    await sim.run(6000);
    const types = new Set([...collector.events.values()].map((e) => e.type));
    for (const t of ['app_launch', 'page_load', 'page_view', 'api_request', 'funnel_step', 'feature_use', 'checkin', 'js_error', 'sos'] as const) {
      assert.ok(types.has(t), `${t} from the example app`);
    }
    const steps = collector.byType('funnel_step').map((e) => (e.type === 'funnel_step' ? e.step : ''));
    assert.deepEqual(steps, ['open', 'choose_mood', 'submit', 'success']);
    assert.deepEqual(collector.problems, []);
    assert.ok([...collector.events.values()].every((e) => e.uid === undefined || e.uid === 'u_demo_0001'));
  } finally {
    const done = sdk?.mg.destroy();
    await sim.run(2500);
    await done;
    await collector.close();
    await backend.close();
  }
});
