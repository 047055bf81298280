#!/usr/bin/env node
// Builds the mini-program bundle: one ES2017 CommonJS file with the core and the masking rules
// inlined (zero runtime dependencies), for `main` and for DevTools "build npm" (`miniprogram`).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist'), { recursive: true });
await build({
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(root, 'dist/index.js'),
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  target: 'es2017',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
});
copyFileSync(join(root, 'types/index.d.ts'), join(root, 'dist/index.d.ts'));
console.log('built dist/index.js');
