/** `GET /api/errors`: client or server errors grouped by fingerprint for a time range (default: the last 24 h). */
import type { FastifyInstance } from 'fastify';
import { describe, object } from '../api/docs.js';
import { parseRange, RANGE_QUERY } from '../api/routes.js';
import type { Clock } from '../util/clock.js';
import { ApiError } from '../util/errors.js';
import { ERROR_SOURCES, type ErrorService, type ErrorSource } from './service.js';

const MAX_LIMIT = 500;

export function registerErrorApi(app: FastifyInstance, d: { errors: ErrorService; clock: Clock }): void {
  const doc = {
    description: 'Errors grouped by fingerprint, most frequent first. `client`: the mini-program\'s js_error events (kind, page, stack and breadcrumbs of the latest). `server`: failing cloud-function invocations and database requests, per function or collection (`where` is fn:<name> or db:<collection>; error type, message, code and stack of the latest). Events without a fingerprint are grouped by error type and message. `events` is how many events were read; `truncated` is true when more were stored than the platform reads at once.',
    query: object(
      {
        source: { type: 'string', enum: [...ERROR_SOURCES], description: 'client (mini-program js_error) or server (function_invocation and db_query with ok=false)' },
        ...RANGE_QUERY,
        limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 50, description: 'the most groups returned' },
      },
      ['source'],
    ),
  };
  app.get<{ Querystring: Record<string, string | undefined> }>('/api/errors', describe('metrics', 'Client or server errors grouped by fingerprint', doc), async (req) => {
    const q = req.query;
    if (!(ERROR_SOURCES as readonly string[]).includes(q.source ?? '')) throw new ApiError('INVALID_FIELD', `source must be one of ${ERROR_SOURCES.join(', ')}`, 'source');
    const limit = q.limit ? Number(q.limit) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ApiError('INVALID_FIELD', `limit must be 1..${MAX_LIMIT}`, 'limit');
    return d.errors.groups(q.source as ErrorSource, { ...parseRange(q, d.clock.now()), limit });
  });
}
