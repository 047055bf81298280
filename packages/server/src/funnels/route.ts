/** `GET /api/funnels`: the configured funnels derived for a time range (default: the last 24 h). */
import type { FastifyInstance } from 'fastify';
import { describe, object } from '../api/docs.js';
import { parseRange, RANGE_QUERY } from '../api/routes.js';
import type { Clock } from '../util/clock.js';
import type { FunnelService } from './service.js';

export function registerFunnelApi(app: FastifyInstance, d: { funnels: FunnelService; clock: Clock }): void {
  const doc = {
    description: 'Per funnel: runs, completed, in progress, and per step the runs that reached it and the runs that left after it (exits). Runs are followed per session; only runs whose first step is in the range count. `truncated` is true when more funnel events than the platform reads at once were stored.',
    query: object(RANGE_QUERY),
  };
  app.get<{ Querystring: Record<string, string | undefined> }>('/api/funnels', describe('metrics', 'Funnels (e.g. the check-in flow) derived from funnel_step events', doc), async (req) => {
    const { from, to, app: only } = parseRange(req.query, d.clock.now());
    return d.funnels.report(from, to, only);
  });
}
