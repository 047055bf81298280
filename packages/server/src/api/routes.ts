/** Query API: metric values, series and breakdowns, the monitoring matrix, raw events, OpenAPI. */
import type { FastifyInstance } from 'fastify';
import { EVENT_TYPES } from '@mgops/protocol';
import type { MetricsEngine } from '../metrics/engine.js';
import { MetricError } from '../metrics/engine.js';
import { CATALOGUE } from '../metrics/catalogue.js';
import type { Category, Store } from '../storage/store.js';
import type { Clock } from '../util/clock.js';
import { ApiError } from '../util/errors.js';
import { parseDuration } from '../util/duration.js';
import { describe, object } from './docs.js';

type Query = Record<string, string | undefined>;

/** Parses a time parameter: ms since epoch, ISO 8601, or relative "now-1h". */
export function parseTime(v: string | undefined, field: string, now: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const rel = /^now(?:-(.+))?$/.exec(v);
  if (rel) {
    try {
      return now - (rel[1] ? parseDuration(rel[1]) : 0);
    } catch {
      throw new ApiError('INVALID_FIELD', `invalid relative time '${v}' (e.g. now-1h)`, field);
    }
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ApiError('INVALID_FIELD', `invalid time '${v}' (ms, ISO 8601 or now-1h)`, field);
  return t;
}

function step(v: string | undefined): number {
  if (!v) return 60_000;
  try {
    return /^\d+$/.test(v) ? Number(v) * 1000 : parseDuration(v);
  } catch {
    throw new ApiError('INVALID_FIELD', `invalid step '${v}' (e.g. 1m, 5m, 1h)`, 'step');
  }
}

const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
  try {
    return await f();
  } catch (e) {
    if (e instanceof MetricError) throw new ApiError(e.field === 'id' ? 'NOT_FOUND' : 'INVALID_FIELD', e.message, e.field);
    throw e;
  }
};

export const TIME = { type: 'string', description: 'ms since epoch, ISO 8601, or relative like now-1h' };
const DAY = 86_400_000;
/** The query fields of a report over a time range (the last 24 h unless asked), for one app or all. */
export const RANGE_QUERY = {
  from: { ...TIME, description: `${TIME.description} (default now-24h)` },
  to: { ...TIME, description: `${TIME.description} (default now)` },
  app: { type: 'string', description: 'only this app (default: every app)' },
};

/** `from`/`to` of a report (default: the 24 h before `to`, `to` now); `from` after `to` is a 400 naming `from`. */
export function parseRange(q: Query, now: number): { from: number; to: number; app?: string } {
  const to = parseTime(q.to, 'to', now) ?? now;
  const from = parseTime(q.from, 'from', now) ?? to - DAY;
  if (from > to) throw new ApiError('INVALID_FIELD', 'from must not be after to', 'from');
  return { from, to, ...(q.app ? { app: q.app } : {}) };
}
const LIST = (what: string) => ({ type: 'string', description: `comma-separated ${what}` });

export function registerQueryApi(app: FastifyInstance, d: { metrics: MetricsEngine; store: Store; clock: Clock; openapi: () => Record<string, unknown> }): void {
  app.get('/api/v1/metrics', describe('metrics', 'Every metric of the catalogue, now, with the catalogue itself'), async () => ({ metrics: await d.metrics.all(), catalogue: CATALOGUE.map(({ compute: _c, ...m }) => m) }));

  const metricQuery = object({ at: TIME, from: TIME, to: TIME, step: { type: 'string', description: 'seconds, or a duration like 5m (default 1m)' }, by: { type: 'string', description: 'a dimension to break the value down by' } });
  app.get<{ Params: { id: string }; Querystring: Query }>('/api/v1/metrics/:id', describe('metrics', 'A metric: value (at), series (from, to, step) or breakdown (by)', { query: metricQuery }), async (req) =>
    wrap(async () => {
      const q = req.query;
      const now = d.clock.now();
      const at = parseTime(q.at, 'at', now);
      if (q.by) return { id: req.params.id, by: q.by, values: await d.metrics.breakdown(req.params.id, q.by, at) };
      const from = parseTime(q.from, 'from', now);
      if (from !== undefined) {
        const to = parseTime(q.to, 'to', now) ?? now;
        return { id: req.params.id, from, to, step: step(q.step), points: await d.metrics.series(req.params.id, from, to, step(q.step)) };
      }
      return d.metrics.value(req.params.id, at);
    }),
  );

  app.get<{ Querystring: Query }>('/api/v1/matrix', describe('metrics', 'The monitoring matrix with current values and states', { query: object({ at: TIME }) }), async (req) => {
    const at = parseTime(req.query.at, 'at', d.clock.now()) ?? d.clock.now();
    return { at, rows: await d.metrics.matrix(at) };
  });

  const eventQuery = object({ type: LIST(`event types (${EVENT_TYPES.join(', ')})`), category: LIST('categories (business, system, security, exception)'), app: { type: 'string' }, from: TIME, to: TIME, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } });
  app.get<{ Querystring: Query }>('/api/v1/events', describe('events', 'Stored (masked) events for drill-down (default: the last hour)', { query: eventQuery }), async (req) => {
    const q = req.query;
    const now = d.clock.now();
    const types = q.type ? q.type.split(',') : undefined;
    for (const t of types ?? []) {
      if (!(EVENT_TYPES as string[]).includes(t)) throw new ApiError('INVALID_FIELD', `unknown event type '${t}'`, 'type');
    }
    const limit = q.limit ? Number(q.limit) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError('INVALID_FIELD', 'limit must be 1..1000', 'limit');
    const events = await d.store.findEvents({
      from: parseTime(q.from, 'from', now) ?? now - 3_600_000,
      to: parseTime(q.to, 'to', now) ?? now,
      limit,
      ...(types ? { types } : {}),
      ...(q.category ? { categories: q.category.split(',') as Category[] } : {}),
      ...(q.app ? { app: q.app } : {}),
    });
    return { events };
  });

  app.get('/api/openapi.json', describe('docs', 'This document: every HTTP route the platform serves (OpenAPI 3.1)'), async () => d.openapi());
}
