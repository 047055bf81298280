import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Store } from '../storage/store.js';
import { describe } from '../api/docs.js';

export function registerHealth(app: FastifyInstance, d: { store: Store; registry: Registry; ready: () => boolean }): void {
  app.get('/healthz', describe('ops', 'Liveness: the process answers'), async () => ({ status: 'ok' }));
  app.get('/readyz', describe('ops', 'Readiness: storage answers and the server is not starting or stopping (503 otherwise)'), async (_req, reply) => {
    try {
      await d.store.getKv('rollup_watermark');
    } catch (e) {
      return reply.code(503).send({ status: 'unavailable', reason: `storage: ${(e as Error).message}` });
    }
    if (!d.ready()) return reply.code(503).send({ status: 'unavailable', reason: 'starting or shutting down' });
    return { status: 'ready' };
  });
  app.get('/metrics', describe('ops', "The server's own Prometheus metrics", { produces: 'text/plain' }), async (_req, reply) => {
    reply.header('content-type', d.registry.contentType);
    return d.registry.metrics();
  });
}
