/**
 * `GET /api/openapi.json` against the real platform as `mgops start --demo` wires it (alerting,
 * on-call, dashboard with authentication on, demo): every route Fastify actually registered under
 * /api, /ack and /v1 is in the document with its method and a summary; the document holds together
 * as OpenAPI 3.1 (responses everywhere, every $ref and security scheme resolves, path parameters
 * declared); and what it says about credentials is what the server enforces.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildPlatform, type Platform } from '../src/app.js';
import { extraPlugins } from '../src/plugins.js';
import { openStore } from '../src/storage/index.js';
import { Users } from '../src/auth/users.js';
import { tempDir, testConfig } from './helpers.js';

type Json = Record<string, unknown>;
type Operation = { summary?: string; tags?: string[]; operationId?: string; parameters?: { name: string; in: string; required?: boolean; schema?: Json }[]; requestBody?: Json; responses?: Record<string, { description?: string }>; security?: Json[]; 'x-permission'?: string };
type Doc = { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>>; components: { schemas: Json; securitySchemes: Json } };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The routes Fastify's router holds, from its own printout (independent of our onRoute hook). */
function registeredRoutes(app: FastifyInstance): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack[depth] = (depth > 0 ? stack[depth - 1]! : '') + m[2]!;
    stack.length = depth + 1;
    const url = stack[depth]!.startsWith('/') ? stack[depth]! : '/' + stack[depth]!;
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') out.push({ method, url });
  }
  return out;
}

const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/**
 * Routes missing from the document or without a summary/tag, as "METHOD /path": every route
 * (/api, /ack, /v1 ingest, health) but the dashboard's static files.
 */
function undescribed(routes: { method: string; url: string }[], doc: Doc): string[] {
  return routes
    .filter((r) => r.url !== '/*')
    .filter((r) => {
      const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
      return !op?.summary?.trim() || !op.tags?.length;
    })
    .map((r) => `${r.method} ${r.url}`);
}

/** What keeps the document from being valid OpenAPI 3.1, as readable problems. */
function structuralProblems(doc: Doc): string[] {
  const problems: string[] = [];
  if (!/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi is '${doc.openapi}'`);
  if (!doc.info?.title || !doc.info?.version) problems.push('info.title and info.version are required');
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/')) problems.push(`path ${path} does not start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.includes(method)) problems.push(`${where}: not an HTTP method`);
      const responses = Object.entries(op.responses ?? {});
      if (responses.length === 0) problems.push(`${where}: no responses`);
      for (const [code, r] of responses) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) problems.push(`${where}: response code ${code}`);
        if (typeof r.description !== 'string') problems.push(`${where}: response ${code} has no description`);
      }
      if (op.operationId) {
        if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} repeated`);
        ids.add(op.operationId);
      }
      const params = op.parameters ?? [];
      const seen = new Set<string>();
      for (const p of params) {
        if (!p.name || !['query', 'header', 'path', 'cookie'].includes(p.in) || !p.schema) problems.push(`${where}: parameter ${JSON.stringify(p)}`);
        if (seen.has(`${p.in}:${p.name}`)) problems.push(`${where}: parameter ${p.name} twice`);
        seen.add(`${p.in}:${p.name}`);
        if (p.in === 'path' && (!templated.includes(p.name) || p.required !== true)) problems.push(`${where}: path parameter ${p.name} not in the template or not required`);
      }
      for (const t of templated) if (!params.some((p) => p.in === 'path' && p.name === t)) problems.push(`${where}: path parameter {${t}} not declared`);
      for (const req of op.security ?? []) {
        for (const scheme of Object.keys(req)) if (!doc.components.securitySchemes?.[scheme]) problems.push(`${where}: unknown security scheme ${scheme}`);
      }
    }
  }
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') {
          const target = x.startsWith('#/') ? x.slice(2).split('/').reduce<unknown>((o, key) => (o as Json | undefined)?.[key], doc) : undefined;
          if (target === undefined) problems.push(`${at}: $ref ${x} does not resolve`);
        } else walk(x, `${at}/${k}`);
      }
    }
  };
  walk(doc, '#');
  return problems;
}

let platform: Platform;
let dataDir: string;
let admin = '';
let viewer = '';
let doc: Doc;

before(async () => {
  dataDir = tempDir();
  const config = testConfig();
  // users exist before start, so no first admin is created (and no one-time password printed)
  const store = await openStore(config, dataDir);
  const users = new Users(store);
  await users.upsert('openapi-admin', 'admin', 'openapi-admin-password');
  admin = (await users.createToken('openapi-admin', 'admin')).token;
  viewer = (await users.createToken('openapi-viewer', 'viewer')).token;
  await store.close();
  platform = await buildPlatform({ config, dataDir, plugins: await extraPlugins({ demo: true, auth: 'on' }) });
  await platform.app.ready();
  const res = await platform.app.inject({ method: 'GET', url: '/api/openapi.json', headers: { authorization: `Bearer ${viewer}` } });
  assert.equal(res.statusCode, 200, res.body);
  doc = res.json<Doc>();
});

after(async () => {
  await platform?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('every /api, /ack, /v1 and health route Fastify registered is documented with its method, a summary and a tag', () => {
  const routes = registeredRoutes(platform.app);
  const api = routes.filter((r) => /^\/(api|ack)\//.test(r.url));
  // the capabilities are all there: ingest, query, alerting, signed links, on-call, audit, dashboard, auth, demo
  for (const r of ['GET /healthz', 'POST /api/v1/events', 'GET /api/v1/matrix', 'POST /api/alerts/:id/ack', 'POST /ack/:id', 'PUT /api/settings/oncall/:id', 'GET /api/audit', 'GET /api/v1/stream', 'POST /api/auth/login', 'POST /api/demo/scenarios/:name']) {
    assert.ok(routes.some((x) => `${x.method} ${x.url}` === r), `${r} registered`);
  }
  assert.deepEqual(undescribed(routes, doc), [], 'routes registered without a description (add describe() next to them)');
  const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`openapi: ${routes.length} routes registered (${api.length} under /api and /ack), ${operations} operations documented`);
  // nothing documented that is not served
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) assert.ok(routes.some((r) => openApiPath(r.url) === path && r.method === method.toUpperCase()), `${method.toUpperCase()} ${path} documented but not registered`);
  }
});

test('the document is structurally valid OpenAPI 3.1 and keeps the protocol schemas', () => {
  assert.deepEqual(structuralProblems(doc), []);
  for (const t of ['app_launch', 'sos', 'risk_labelled', 'unauthorised_op', 'resource', 'log']) assert.ok(doc.components.schemas[t], t);
  const ingest = doc.paths['/api/v1/events']?.post;
  assert.deepEqual(ingest?.security, [{ ingestKey: [] }]);
  assert.ok(JSON.stringify(ingest?.requestBody).includes('#/components/schemas/BatchEnvelope'));
  // bodies and queries the handlers validate by hand are described
  const silence = doc.paths['/api/silences']?.post?.requestBody as { content: Record<string, { schema: { required: string[] } }> };
  assert.deepEqual(silence.content['application/json']?.schema.required, ['matcher', 'endsAt', 'by']);
  const swap = JSON.stringify(doc.paths['/api/settings/oncall/{id}/swaps']?.post?.requestBody);
  assert.match(swap, /"required":\["a","b"\]/);
  const series = doc.paths['/api/v1/metrics/{id}']?.get?.parameters?.map((p) => `${p.in}:${p.name}`);
  assert.deepEqual(series, ['path:id', 'query:at', 'query:from', 'query:to', 'query:step', 'query:by']);
  assert.equal(doc.paths['/api/silences']?.post?.['x-permission'], 'silences:edit');
  assert.deepEqual(doc.paths['/ack/{id}']?.post?.security, [{ ackLink: [] }]);
  assert.deepEqual(doc.paths['/healthz']?.get?.security, []);
});

test('what the document says about credentials is what the server enforces', async () => {
  const fill = (path: string) => path.replace(/\{\w+\}/g, 'x');
  const refused: string[] = [];
  const open: string[] = [];
  const viewerRefused: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const sec = op.security ?? [];
      const optional = sec.some((s) => Object.keys(s).length === 0);
      const res = await platform.app.inject({ method: method.toUpperCase() as 'GET', url: fill(path), ...(method === 'get' ? {} : { payload: {} }) });
      const where = `${method.toUpperCase()} ${path}`;
      if (sec.length > 0 && !optional && res.statusCode !== 401 && res.statusCode !== 403) refused.push(`${where} answered ${res.statusCode} without credentials`);
      if (sec.length === 0 && method === 'get' && (res.statusCode === 401 || res.statusCode === 403)) open.push(`${where} documented public, answered ${res.statusCode}`);
      // a viewer reads everything and changes nothing that needs a permission
      if (op['x-permission'] && op['x-permission'] !== 'read') {
        const v = await platform.app.inject({ method: method.toUpperCase() as 'POST', url: fill(path), headers: { authorization: `Bearer ${viewer}` }, payload: {} });
        if (v.statusCode !== 403) viewerRefused.push(`${where} answered ${v.statusCode} to a viewer`);
      }
    }
  }
  assert.deepEqual(refused, []);
  assert.deepEqual(open, []);
  assert.deepEqual(viewerRefused, []);
});

test('describing routes changed no error body: a bad silence still answers 400 naming the field', async () => {
  const res = await platform.app.inject({ method: 'POST', url: '/api/silences', headers: { authorization: `Bearer ${admin}` }, payload: { matcher: { metric: 'page_load_time' } } });
  assert.equal(res.statusCode, 400);
  assert.deepEqual(res.json(), { code: 'INVALID_FIELD', message: 'endsAt must be a time after startsAt', field: 'endsAt' });
});

test('a route registered without a description is named by the check', async () => {
  const dir = tempDir();
  const p = await buildPlatform({
    config: testConfig(),
    dataDir: dir,
    plugins: [(x) => void x.app.get('/api/v1/undocumented-probe', async () => ({ ok: true }))],
  });
  try {
    await p.app.ready();
    const d = (await p.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<Doc>();
    assert.deepEqual(undescribed(registeredRoutes(p.app), d), ['GET /api/v1/undocumented-probe']);
    // still listed, so the document stays truthful; valid all the same
    assert.ok(d.paths['/api/v1/undocumented-probe']?.get);
    assert.deepEqual(structuralProblems(d), []);
  } finally {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
