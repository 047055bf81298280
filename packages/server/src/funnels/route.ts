/** `GET /api/funnels`: the configured funnels derived for a time range (default: the last 24 h). */
import type { FastifyInstance } from 'fastify';
import { describe, object } from '../api/docs.js';
import { parseTime, TIME } from '../api/routes.js';
import type { Clock } from '../util/clock.js';
import { ApiError } from '../util/errors.js';
import type { FunnelService } from './service.js';

const DAY = 86_400_000;

export function registerFunnelApi(app: FastifyInstance, d: { funnels: FunnelService; clock: Clock }): void {
  const doc = {
    description: 'Per funnel: runs, completed, in progress, and per step the runs that reached it and the runs that left after it (exits). Runs are followed per session; only runs whose first step is in the range count. `truncated` is true when more funnel events than the platform reads at once were stored.',
    query: object({ from: { ...TIME, description: `${TIME.description} (default now-24h)` }, to: { ...TIME, description: `${TIME.description} (default now)` }, app: { type: 'string', description: 'only this app (default: every app)' } }),
  };
  app.get<{ Querystring: Record<string, string | undefined> }>('/api/funnels', describe('metrics', 'Funnels (e.g. the check-in flow) derived from funnel_step events', doc), async (req) => {
    const now = d.clock.now();
    const to = parseTime(req.query.to, 'to', now) ?? now;
    const from = parseTime(req.query.from, 'from', now) ?? to - DAY;
    if (from > to) throw new ApiError('INVALID_FIELD', 'from must not be after to', 'from');
    return d.funnels.report(from, to, req.query.app || undefined);
  });
}
