/**
 * Wires the capabilities together; no logic of its own. `buildPlatform` returns the running parts
 * so tests and later capabilities (rules, alerting, dashboard) can hook in as plugins.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { openStore } from './storage/index.js';
import type { Store } from './storage/store.js';
import { systemClock, type Clock } from './util/clock.js';
import { parseDuration } from './util/duration.js';
import { toApiError } from './util/errors.js';
import { createLogger } from './logs/logger.js';
import { createTelemetry, type Telemetry } from './ops/telemetry.js';
import { registerHealth } from './ops/health.js';
import { loadPseudonymKey } from './ops/secrets.js';
import { KeyCache } from './ingest/keys.js';
import { RateLimiter } from './ingest/ratelimit.js';
import { Privacy } from './ingest/privacy.js';
import { IngestWriter } from './ingest/writer.js';
import { registerIngest } from './ingest/route.js';
import { RollupBuffer } from './metrics/buffer.js';
import { Rollups } from './metrics/rollups.js';
import { MetricsEngine } from './metrics/engine.js';
import { recordCommitted, replayAfterWatermark } from './metrics/recorder.js';
import type { SampleSettings } from './metrics/samples.js';
import { registerQueryApi } from './api/routes.js';
import { RouteCatalogue } from './api/docs.js';
import { RetentionJob } from './jobs/retention.js';
import { FunnelService, funnelSettings } from './funnels/service.js';
import { registerFunnelApi } from './funnels/route.js';
import { ErrorService } from './errors/service.js';
import { registerErrorApi } from './errors/route.js';

export type PlatformOptions = {
  config: Config;
  dataDir: string;
  clock?: Clock;
  logger?: Logger;
  /** operator-supplied pseudonym key; else generated in the data folder */
  pseudonymKey?: string;
  /** how often rollups are merged into storage */
  rollupFlushMs?: number;
  plugins?: PlatformPlugin[];
};

export type Platform = {
  app: FastifyInstance;
  config: Config;
  dataDir: string;
  store: Store;
  clock: Clock;
  logger: Logger;
  telemetry: Telemetry;
  writer: IngestWriter;
  metrics: MetricsEngine;
  rollups: Rollups;
  keys: KeyCache;
  /** run on close, before storage closes (plugins stop their timers here) */
  onClose: (fn: () => Promise<void> | void) => void;
  close: () => Promise<void>;
};

export type PlatformPlugin = (p: Platform) => Promise<void> | void;

export async function buildPlatform(o: PlatformOptions): Promise<Platform> {
  const { config } = o;
  const clock = o.clock ?? systemClock;
  const logger = o.logger ?? createLogger(process.env.NODE_ENV === 'test' ? 'warn' : 'info');
  const telemetry = createTelemetry();
  const store = await openStore(config, o.dataDir);

  const sampleCfg: SampleSettings = {
    slowQueryMs: config.expected.slowQueryMs,
    aiTimeLimitMs: parseDuration(config.expected.aiTimeLimit),
    dbConnectionsMax: config.expected.dbConnectionsMax,
    funnels: config.funnels?.flows ?? {},
  };
  const buffer = new RollupBuffer(config.ingest.dimensionLimit);
  const rollups = new Rollups(store, buffer);
  const replayed = await replayAfterWatermark(store, buffer, sampleCfg);
  if (replayed > 0) logger.info({ events: replayed }, 'replayed events committed after the last rollup flush');

  const writer = new IngestWriter(store, config.ingest.maxQueuedEvents, 20_000, (ms, n) => {
    telemetry.writeLatency.observe(ms / 1000);
    telemetry.committed.inc(n);
  });
  writer.onCommit((batches) => recordCommitted(buffer, batches, sampleCfg));
  const metrics = new MetricsEngine(store, rollups, config, clock);
  const keys = new KeyCache(store, clock);
  const privacy = new Privacy(loadPseudonymKey(o.dataDir, o.pseudonymKey), (kind) => telemetry.masked.inc({ kind }));

  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: config.ingest.maxBodyBytes, logController: new LogController({ disableRequestLogging: true }), return503OnClosing: true });
  app.setErrorHandler((err, _req, reply) => {
    const e = toApiError(err);
    if (e.status >= 500) logger.error({ err }, 'request failed');
    if (e.retryAfterSeconds) reply.header('retry-after', String(e.retryAfterSeconds));
    reply.code(e.status).send(e.toJSON());
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
  app.addHook('onResponse', async (req, reply) => {
    telemetry.requests.inc({ route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });

  // every route registered from here on (plugins included) is collected for /api/openapi.json
  const routes = new RouteCatalogue();
  routes.collect(app);
  let ready = false;
  registerHealth(app, { store, registry: telemetry.registry, ready: () => ready });
  registerIngest(app, {
    clock,
    keys,
    limiter: new RateLimiter(config.ingest.rateLimit.requestsPerSecond, config.ingest.rateLimit.burst),
    privacy,
    writer,
    maxBodyBytes: config.ingest.maxBodyBytes,
    maxConcurrentRequests: config.ingest.maxConcurrentRequests,
    settings: {
      apps: new Map(config.apps.map((a) => [a.id, new Set(a.environments)])),
      maxEventsPerBatch: config.ingest.maxEventsPerBatch,
      maxEventAgeMs: parseDuration(config.ingest.maxEventAge),
      maxFutureSkewMs: parseDuration(config.ingest.maxFutureSkew),
    },
    count: (what, n) => n > 0 && telemetry.events.inc({ result: what }, n),
    reject: (reason) => telemetry.rejects.inc({ reason }),
  });
  registerQueryApi(app, { metrics, store, clock, openapi: () => routes.document() });
  registerFunnelApi(app, { funnels: new FunnelService(store, () => funnelSettings(config), clock), clock });
  registerErrorApi(app, { errors: new ErrorService(store), clock });

  const closers: (() => Promise<void> | void)[] = [];
  const flushTimer = setInterval(() => {
    telemetry.queueDepth.set(writer.depth);
    telemetry.rollupCells.set(buffer.size);
    rollups.flush().catch((err: unknown) => logger.error({ err }, 'rollup flush failed'));
  }, o.rollupFlushMs ?? 2000);
  flushTimer.unref();
  const retention = new RetentionJob(store, config, clock, logger);
  retention.start();

  let closed = false;
  const platform: Platform = {
    app, config, dataDir: o.dataDir, store, clock, logger, telemetry, writer, metrics, rollups, keys,
    onClose: (fn) => closers.push(fn),
    close: async () => {
      if (closed) return;
      closed = true;
      ready = false;
      clearInterval(flushTimer);
      await retention.stop();
      await app.close();
      await writer.close();
      for (const fn of closers.reverse()) await fn();
      await rollups.flush();
      await store.close();
    },
  };
  for (const plugin of o.plugins ?? []) await plugin(platform);
  const undocumented = routes.undocumented();
  if (undocumented.length > 0) logger.warn({ routes: undocumented }, 'routes without a description in /api/openapi.json: add describe() (api/docs.ts)');
  ready = true;
  return platform;
}
