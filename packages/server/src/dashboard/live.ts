/**
 * Live updates over server-sent events: every few seconds the stream re-reads the matrix, the
 * open alerts and the SOS panel (through the same API the page uses) and sends what changed.
 * Reading through `inject` keeps this capability independent of how alerting is wired.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { describe } from '../api/docs.js';

export const INTERNAL_HEADER = 'x-mgops-internal';

const TOPICS: Record<string, string> = {
  matrix: '/api/v1/matrix',
  alerts: '/api/alerts?limit=200',
  sos: '/api/v1/sos',
};

export function registerLive(app: FastifyInstance, o: { everyMs: number; authorize?: (req: FastifyRequest) => Promise<boolean> }): { secret: string; stop: () => void; setAuthorize: (f: (req: FastifyRequest) => Promise<boolean>) => void } {
  let authorize = o.authorize;
  const secret = randomBytes(24).toString('base64url');
  const clients = new Set<(event: string, data: string) => void>();
  const last = new Map<string, string>();
  let busy = false;

  async function poll(): Promise<void> {
    if (busy || clients.size === 0) return;
    busy = true;
    try {
      for (const [topic, url] of Object.entries(TOPICS)) {
        const res = await app.inject({ method: 'GET', url, headers: { [INTERNAL_HEADER]: secret } });
        if (res.statusCode !== 200) continue;
        const body = res.body;
        if (last.get(topic) === body) continue;
        last.set(topic, body);
        for (const send of clients) send(topic, body);
      }
    } finally {
      busy = false;
    }
  }
  const timer = setInterval(() => void poll().catch(() => undefined), o.everyMs);
  timer.unref();

  app.get('/api/v1/stream', describe('dashboard', 'Live updates (server-sent events matrix, alerts, sos; the session is re-checked every 15 s)', { produces: 'text/event-stream' }), (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 3000\n\n');
    const send = (event: string, data: string) => res.write(`event: ${event}\ndata: ${data}\n\n`);
    // a new client gets the last known state at once; changes follow with the next poll
    for (const [topic, body] of last) send(topic, body);
    clients.add(send);
    // every 15 s: a keep-alive, and the session re-checked (a logged-out or expired session ends the stream)
    const ping = setInterval(() => {
      void (authorize ? authorize(req) : Promise.resolve(true)).then((ok) => (ok ? res.write(': ping\n\n') : res.end()), () => res.end());
    }, 15_000);
    req.raw.on('close', () => {
      clearInterval(ping);
      clients.delete(send);
    });
  });

  return {
    secret,
    setAuthorize: (f) => (authorize = f),
    stop: () => {
      clearInterval(timer);
      clients.clear();
    },
  };
}
