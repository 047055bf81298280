/**
 * The HTTP middlewares on real servers: plain node:http, Express, Koa (+ @koa/router) and Fastify,
 * each answering real requests over 127.0.0.1. Events go to an in-memory sink here; the
 * end-to-end suite sends them to the collector.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import express from 'express';
import Koa from 'koa';
import Router from '@koa/router';
import Fastify from 'fastify';
import { MemorySink, Recorder, expressMiddleware, instrumentFastify, instrumentHttpServer, koaMiddleware, UNMATCHED } from '../src/index.js';
import { close, listen, waitFor } from './support.js';

function setup() {
  const sink = new MemorySink();
  return { sink, recorder: new Recorder({ sink }) };
}

const opts = (recorder: Recorder) => ({ recorder, maxRequestBytes: 1000, burstThreshold: 5, burstWindowMs: 60_000 });

async function exercise(base: string, sink: MemorySink, prefix = '') {
  const r1 = await fetch(`${base}${prefix}/users/12345?phone=13812345678`);
  assert.equal(r1.status, 200);
  assert.deepEqual(await r1.json(), { id: '12345' });
  const big = 'x'.repeat(5000);
  const r2 = await fetch(`${base}${prefix}/upload`, { method: 'POST', body: big, headers: { 'content-type': 'text/plain' } });
  assert.equal(r2.status, 200);
  await r2.text();
  for (let i = 0; i < 6; i++) (await fetch(`${base}${prefix}/secret`)).body?.cancel();
  (await fetch(`${base}/nowhere/at/all`)).body?.cancel();
  (await fetch(`${base}${prefix}/boom`)).body?.cancel();
  await waitFor(() => sink.ofType('api_request').length >= 10, 3000, 'api_request events');
  const reqs = sink.ofType('api_request');
  const user = reqs.find((e) => e.route.endsWith('/users/:id'));
  assert.ok(user, `route template recorded: ${reqs.map((e) => e.route).join(',')}`);
  assert.equal(user.route, `${prefix}/users/:id`);
  assert.equal(user.method, 'GET');
  assert.equal(user.status, 200);
  assert.equal(user.side, 'server');
  assert.equal(user.ok, true);
  assert.ok(user.duration >= 0 && user.duration < 1000);
  assert.equal(user.resBytes, Buffer.byteLength('{"id":"12345"}'));
  assert.equal(user.source, '127.0.0.0');
  const upload = reqs.find((e) => e.method === 'POST');
  assert.equal(upload?.reqBytes, 5000);
  assert.equal(upload?.attrs?.oversized, true);
  assert.equal(reqs.filter((e) => e.status === 401).length, 6);
  assert.equal(reqs.find((e) => e.status === 404)?.route, UNMATCHED);
  const boom = reqs.find((e) => e.status === 500);
  assert.equal(boom?.ok, false);
  const logs = sink.ofType('log');
  assert.equal(logs.filter((l) => l.attrs?.signal === '4xx_burst').length, 1, 'one burst signal per window');
  assert.equal(logs.filter((l) => l.attrs?.signal === 'oversized_payload').length, 1);
  const wire = JSON.stringify(sink.events);
  assert.ok(!wire.includes('13812345678') && !wire.includes('xxxx'), 'no query values or payloads leave');
}

test('express: route templates across routers, sizes, status, bursts, oversized bodies', async () => {
  const { sink, recorder } = setup();
  const app = express();
  app.use(expressMiddleware(opts(recorder)));
  const api = express.Router();
  api.get('/users/:id', (req, res) => void res.json({ id: req.params.id }));
  api.post('/upload', express.text({ limit: '1mb' }), (_req, res) => void res.send('ok'));
  api.get('/secret', (_req, res) => void res.status(401).send('no'));
  api.get('/boom', () => {
    throw new Error('boom');
  });
  app.use('/api', api);
  const server = createServer(app);
  const base = await listen(server);
  try {
    await exercise(base, sink, '/api');
  } finally {
    await close(server);
  }
});

test('koa with @koa/router', async () => {
  const { sink, recorder } = setup();
  const app = new Koa();
  app.silent = true;
  app.use(koaMiddleware(opts(recorder)));
  const router = new Router();
  router.get('/users/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  router.post('/upload', async (ctx) => {
    for await (const _chunk of ctx.req) void _chunk;
    ctx.body = 'ok';
  });
  router.get('/secret', (ctx) => {
    ctx.status = 401;
    ctx.body = 'no';
  });
  router.get('/boom', () => {
    throw new Error('boom');
  });
  app.use(router.routes());
  const server = createServer(app.callback());
  const base = await listen(server);
  try {
    await exercise(base, sink);
  } finally {
    await close(server);
  }
});

test('fastify', async () => {
  const { sink, recorder } = setup();
  const app = Fastify();
  instrumentFastify(app, opts(recorder));
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 1_048_576 }, (_r, body, done) => done(null, body));
  app.get('/users/:id', async (req) => ({ id: (req.params as { id: string }).id }));
  app.post('/upload', async () => 'ok');
  app.get('/secret', async (_req, reply) => reply.code(401).send('no'));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    await exercise(base, sink);
  } finally {
    await app.close();
  }
});

test('plain node:http server: templates from the path', async () => {
  const { sink, recorder } = setup();
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/users/')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: req.url.split('/')[2]?.split('?')[0] }));
    } else if (req.url === '/upload') {
      req.resume();
      req.on('end', () => res.end('ok'));
    } else if (req.url === '/secret') {
      res.statusCode = 401;
      res.end('no');
    } else if (req.url === '/boom') {
      res.statusCode = 500;
      res.end();
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  instrumentHttpServer(server, { ...opts(recorder), route: (req) => (req.url === '/nowhere/at/all' ? UNMATCHED : undefined) });
  const base = await listen(server);
  try {
    await exercise(base, sink);
  } finally {
    await close(server);
  }
});
