#!/usr/bin/env node
// Builds, then prints the gzip size of the minified bundle. The last line is the figure.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--split'], { stdio: 'inherit' });
const min = readFileSync(join(root, 'dist/index.js'));
const gz = gzipSync(min, { level: 9 }).length;
console.log(`minified: ${min.length} bytes; budget 10240 bytes min+gzip (goal 8192)${gz > 10240 ? ` — OVER BUDGET by ${gz - 10240} bytes` : ''}`);
// the figure is the last line (read by scripts); the exit code stays 0 so npm adds nothing after it
console.log(`sdk-miniprogram: ${gz} bytes min+gzip`);
