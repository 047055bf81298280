#!/usr/bin/env node
// Builds the mini-program bundle: one ES2017 CommonJS file with the core and the masking rules
// inlined (zero runtime dependencies), for `main` and for DevTools "build npm" (`miniprogram`).
// esbuild bundles and minifies; terser then compresses and mangles once more (≈ 5 % less gzip).
// Internal members end in `_` (`queue.take_`, `ctx.emit_`): terser shortens those property names;
// every other name — the public API of types/index.d.ts, the wire format of the protocol, wx's
// names, whatever is persisted in storage — stays as written. The build fails if a public or wire
// name ends in `_` (it would be mangled) or if a `_` member survives in the bundle.
// The core's sdk-core/src/server-side.ts (event types and fields only the Node SDK emits) is left
// out: the bundle carries only the client side of the core's tables.
// `--split` prints where the bytes go: each module's share of the esbuild-minified bundle.
import { build } from 'esbuild';
import { minify } from 'terser';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INTERNAL = /^[A-Za-z$][\w$]*_$/;
// the names users and the collector see: declared members there must never match INTERNAL
const PUBLIC = ['types/index.d.ts', 'src/types.ts', '../sdk-core/src/types.ts', '../protocol/src/events.ts', '../protocol/src/envelope.ts'];
for (const file of PUBLIC) {
  const bad = [...readFileSync(join(root, file), 'utf8').matchAll(/\b([A-Za-z$][\w$]*_)\??\s*[:(]/g)].map((m) => m[1]);
  if (bad.length) throw new Error(`${file}: public or wire names ending in _ would be mangled: ${bad.join(', ')}`);
}
mkdirSync(join(root, 'dist'), { recursive: true });
const result = await build({
  entryPoints: [join(root, 'src/main.ts')],
  bundle: true,
  write: false,
  format: 'cjs',
  platform: 'neutral',
  target: 'es2017',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
  // src/main.ts assigns module.exports on purpose: the bundle is CommonJS
  logOverride: { 'commonjs-variable-in-esm': 'silent' },
  outfile: join(root, 'dist/index.js'),
  plugins: [
    {
      // the core's lists for what only the Node SDK emits: a mini-program never sends those events
      name: 'client-side-only',
      setup(b) {
        b.onResolve({ filter: /\/server-side\.js$/ }, () => ({ path: 'sdk-core/src/server-side.ts', namespace: 'empty' }));
        b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({
          contents: "export const SERVER_HIGH = '', SERVER_SAMPLEABLE = '', SERVER_LIMITS = [];",
          loader: 'js',
        }));
      },
    },
  ],
});
const bundled = result.outputFiles[0].text;
const min = await minify(bundled, {
  ecma: 2017,
  toplevel: true,
  compress: { passes: 2, pure_getters: true },
  mangle: { toplevel: true, properties: { regex: INTERNAL } },
  format: { comments: false },
});
const left = min.code.match(/\.[A-Za-z$][\w$]*_\b/g);
if (left) throw new Error(`internal members left unmangled in the bundle: ${[...new Set(left)].join(', ')}`);
writeFileSync(join(root, 'dist/index.js'), min.code);
copyFileSync(join(root, 'types/index.d.ts'), join(root, 'dist/index.d.ts'));
console.log('built dist/index.js');

if (process.argv.includes('--split')) {
  // esbuild's metafile gives each module's bytes in the bundle; gzip bytes are shared out pro rata
  const final = gzipSync(min.code, { level: 9 }).length;
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const gz = (bytes) => Math.round((bytes / bundled.length) * final);
  const groups = {};
  console.log(`per module: esbuild-minified bytes, and ~gzip bytes (the ${final} bytes min+gzip shared out pro rata):`);
  for (const [file, v] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
    if (!v.bytesInOutput) continue;
    const name = relative(root, join(process.cwd(), file));
    const group = name.includes('sdk-core') ? 'sdk-core' : name.includes('protocol') ? 'mask' : 'mini-program glue';
    groups[group] = (groups[group] || 0) + v.bytesInOutput;
    console.log(`  ${String(v.bytesInOutput).padStart(6)}  ~${String(gz(v.bytesInOutput)).padStart(5)}  ${name}`);
  }
  console.log('  ' + Object.entries(groups).map(([k, v]) => `${k} ~${gz(v)}`).join(', '));
}
