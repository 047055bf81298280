/**
 * Serves the built single-page app (packages/web/dist) from memory, gzip-compressed once at start;
 * hashed assets are cached for a year, index.html never. Unknown non-API GET paths get index.html
 * so client-side routes survive a reload.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe } from '../api/docs.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

type Asset = { type: string; body: Buffer; gz: Buffer | null };

export const DEFAULT_DIST = new URL('../../../web/dist', import.meta.url).pathname;

export function loadAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const body = readFileSync(p);
        const type = TYPES[extname(name)] ?? 'application/octet-stream';
        const gz = /text|javascript|json|svg/.test(type) && body.length > 512 ? gzipSync(body, { level: 9 }) : null;
        out.set('/' + relative(dir, p).split('\\').join('/'), { type, body, gz });
      }
    }
  };
  walk(dir);
  return out;
}

const MISSING = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>MindGuard Ops</title><body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>控制台尚未构建 / Dashboard not built</h1><p>请在仓库根目录运行 <code>npm install</code>（会自动构建）或 <code>npm run build -w @mgops/web</code>，然后重启服务。</p>
<p>Run <code>npm install</code> (it builds the web package) or <code>npm run build -w @mgops/web</code>, then restart.</p></body></html>`;

export function registerStatic(app: FastifyInstance, dir: string): number {
  const assets = loadAssets(dir);
  app.get('/*', describe('dashboard', 'The dashboard single-page app and its assets', { hide: true, auth: 'public' }), async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/')) return reply.code(404).send({ code: 'NOT_FOUND', message: `no route GET ${path}` });
    const asset = assets.get(path) ?? (extname(path) ? undefined : assets.get('/index.html'));
    if (!asset) {
      if (assets.size === 0) return reply.code(503).type('text/html; charset=utf-8').send(MISSING);
      return reply.code(404).send({ code: 'NOT_FOUND', message: `no file ${path}` });
    }
    reply.type(asset.type);
    reply.header('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.header('x-content-type-options', 'nosniff');
    if (asset.type.startsWith('text/html')) {
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
      reply.header('x-frame-options', 'DENY');
    }
    reply.header('vary', 'accept-encoding');
    if (asset.gz && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      reply.header('content-encoding', 'gzip');
      return reply.send(asset.gz);
    }
    return reply.send(asset.body);
  });
  return assets.size;
}
