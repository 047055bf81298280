/**
 * The shipped bundle (dist/index.js) as a mini-program loads it: ES2017 syntax only, CommonJS, no
 * require() of anything (zero runtime dependencies), run in a separate JavaScript context whose
 * global scope is the simulated one — so init() finds wx/App/Page on globalThis by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { parse } from 'acorn';
import type { Mg } from '../src/index.js';
import { MiniProgramSim, startCollector } from './sim/index.js';

const dir = fileURLToPath(new URL('..', import.meta.url));

test('dist/index.js: ES2017, CommonJS, zero dependencies, works from globalThis', async () => {
  execFileSync(process.execPath, [dir + 'scripts/build.mjs'], { stdio: 'pipe' });
  const code = readFileSync(dir + 'dist/index.js', 'utf8');
  assert.doesNotThrow(() => parse(code, { ecmaVersion: 2017, sourceType: 'script' }), 'parses as ES2017');
  const pkg = JSON.parse(readFileSync(dir + 'package.json', 'utf8')) as { main: string; miniprogram: string; types: string; dependencies?: object };
  assert.equal(pkg.dependencies, undefined, 'no runtime dependencies');
  assert.equal(pkg.main, 'dist/index.js');
  assert.equal(pkg.miniprogram, 'dist');

  const collector = await startCollector();
  const sim = new MiniProgramSim();
  const sandbox = sim.g as unknown as Record<string, unknown>;
  sandbox.console = console;
  const context = vm.createContext(sandbox);
  const module = { exports: {} as { mg?: Mg } };
  const required: string[] = [];
  vm.runInContext(`(function (module, exports, require) {${code}\n})`, context)(module, module.exports, (id: string) => required.push(id));
  assert.deepEqual(required, []);
  const mg = module.exports.mg as Mg;
  try {
    sim.appJs((g) => {
      mg.init({ endpoint: collector.url, key: 'mgk_test', env: 'test', clock: sim.clock, flushIntervalMs: 1000 });
      g.App({});
    });
    sim.page('pages/home/index', (g) =>
      g.Page({
        onTap() {
          throw new Error('from the bundle');
        },
      }),
    );
    await sim.launch();
    sim.tap('onTap');
    await sim.run(3000);
    assert.equal(mg.stats()?.explicitOnly, false, 'App/Page found and wrapped on globalThis');
    const types = [...collector.events.values()].map((e) => e.type).sort();
    assert.deepEqual(types, ['app_launch', 'js_error', 'page_load']);
    assert.deepEqual(collector.problems, []);
  } finally {
    const done = mg.destroy();
    await sim.run(2500);
    await done;
    await collector.close();
  }
});
