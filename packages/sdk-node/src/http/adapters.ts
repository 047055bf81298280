/**
 * Framework adapters over `track`: plain Node HTTP, Express, Koa and Fastify. Each only knows
 * where its framework keeps the matched route template; the frameworks are duck-typed, so the SDK
 * depends on none of them.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { urlTemplate } from '@mgops/protocol/mask';
import { HttpMeter, track, type HttpMonitorOptions } from './meter.js';

/** Route label for requests no route matched (keeps scanners from inventing routes). */
export const UNMATCHED = '(unmatched)';

export interface NodeHttpOptions extends HttpMonitorOptions {
  /** route template of a request (default: the path with ids replaced by `:id`) */
  route?: (req: IncomingMessage) => string | undefined;
}

/** Wraps a plain `(req, res)` listener. */
export function monitorRequestListener(listener: RequestListener, options: NodeHttpOptions = {}): RequestListener {
  const meter = new HttpMeter(options);
  const routeOf = options.route;
  return function monitored(this: unknown, req, res) {
    try {
      track(meter, req, res, () => (routeOf ? routeOf(req) : urlTemplate(req.url ?? '/')));
    } catch {
      // never let measurement stop a request
    }
    return listener.call(this, req, res);
  };
}

/** Measures every request a `http.Server` receives, whatever framework answers it. */
export function instrumentHttpServer(server: Server, options: NodeHttpOptions = {}): Server {
  const meter = new HttpMeter(options);
  const routeOf = options.route;
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    try {
      track(meter, req, res, () => (routeOf ? routeOf(req) : urlTemplate(req.url ?? '/')));
    } catch {
      // never let measurement stop a request
    }
  });
  return server;
}

interface ExpressReq extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}
type Next = (err?: unknown) => void;

/** Express (4 and 5) middleware: `app.use(expressMiddleware())` before the routes. */
export function expressMiddleware(options: HttpMonitorOptions = {}) {
  const meter = new HttpMeter(options);
  return function mgopsExpress(req: IncomingMessage, res: ServerResponse, next: Next): void {
    try {
      const r = req as ExpressReq;
      track(meter, req, res, () => {
        const path = r.route?.path;
        if (typeof path === 'string') return (r.baseUrl ?? '') + path;
        if (path instanceof RegExp) return String(path);
        return res.statusCode === 404 ? UNMATCHED : urlTemplate(req.url ?? '/');
      });
    } catch {
      // never let measurement stop a request
    }
    next();
  };
}

interface KoaCtx {
  req: IncomingMessage;
  res: ServerResponse;
  _matchedRoute?: unknown;
  routerPath?: unknown;
  status?: number;
}

/** Koa middleware: `app.use(koaMiddleware())` first. Route from @koa/router's `_matchedRoute`. */
export function koaMiddleware(options: HttpMonitorOptions = {}) {
  const meter = new HttpMeter(options);
  return function mgopsKoa(ctx: KoaCtx, next: () => Promise<unknown>): Promise<unknown> {
    try {
      track(meter, ctx.req, ctx.res, () => {
        const r = ctx._matchedRoute ?? ctx.routerPath;
        if (typeof r === 'string') return r;
        return ctx.res.statusCode === 404 ? UNMATCHED : urlTemplate(ctx.req.url ?? '/');
      });
    } catch {
      // never let measurement stop a request
    }
    return next();
  };
}

interface FastifyRequestLike {
  raw: IncomingMessage;
  routeOptions?: { url?: string };
  routerPath?: string;
}
interface FastifyReplyLike {
  raw: ServerResponse;
}
interface FastifyLike {
  addHook(name: 'onRequest', hook: (req: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => void): unknown;
}

/** Adds the measuring hook to a Fastify instance (call on the root instance). */
export function instrumentFastify<F extends FastifyLike>(app: F, options: HttpMonitorOptions = {}): F {
  const meter = new HttpMeter(options);
  app.addHook('onRequest', (request, reply, done) => {
    try {
      track(meter, request.raw, reply.raw, () => request.routeOptions?.url ?? request.routerPath ?? UNMATCHED);
    } catch {
      // never let measurement stop a request
    }
    done();
  });
  return app;
}

/** The same as a Fastify plugin (not encapsulated): `app.register(fastifyPlugin, options)`. */
export const fastifyPlugin = Object.assign(
  function mgopsFastify(app: FastifyLike, options: HttpMonitorOptions, done: () => void): void {
    instrumentFastify(app, options);
    done();
  },
  { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'mgops' },
);
