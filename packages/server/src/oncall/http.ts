/**
 * The directory API: people (contact points masked in every answer), rotations with their layers,
 * overrides and swaps, and the audit log of every change (who, when, what before and after).
 * Bad input answers 400 naming the field and changes nothing. Permissions: see auth/roles.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maskPerson } from './mask.js';
import type { DirectoryService } from './service.js';
import { rotationView } from './view.js';
import { ApiError } from '../util/errors.js';

/** Who made a request: the signed-in user, or an anonymous actor that says why. */
export function actorOf(req: FastifyRequest): string {
  const p = req.principal;
  if (!p) return 'anonymous (no login)';
  return p.via === 'off' ? 'anonymous (auth off)' : p.user;
}

const param = (req: FastifyRequest, key: string): string => (req.params as Record<string, string>)[key] ?? '';

function auditQuery(q: { since?: string; limit?: string }): { since?: number; limit: number } {
  const since = q.since === undefined ? undefined : Number(q.since);
  if (since !== undefined && !Number.isFinite(since)) throw new ApiError('INVALID_FIELD', 'since must be a time in epoch ms', 'since');
  const limit = q.limit === undefined ? 100 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError('INVALID_FIELD', 'limit must be 1 … 1000', 'limit');
  return since === undefined ? { limit } : { since, limit };
}

export function registerDirectoryApi(app: FastifyInstance, dir: DirectoryService): void {
  app.get('/api/settings/people', async () => ({ people: dir.listPeople().map(maskPerson) }));
  app.post('/api/settings/people', async (req, reply) => reply.code(201).send(maskPerson(await dir.createPerson(req.body, actorOf(req)))));
  app.put('/api/settings/people/:id', async (req) => maskPerson(await dir.updatePerson(param(req, 'id'), req.body, actorOf(req))));
  app.delete('/api/settings/people/:id', async (req) => {
    await dir.deletePerson(param(req, 'id'), actorOf(req));
    return { ok: true };
  });

  app.get('/api/settings/oncall', async () => ({ rotations: dir.listRotations().map(rotationView) }));
  app.post('/api/settings/oncall', async (req, reply) => reply.code(201).send(rotationView(await dir.createRotation(req.body, actorOf(req)))));
  app.put('/api/settings/oncall/:id', async (req) => rotationView(await dir.updateRotation(param(req, 'id'), req.body, actorOf(req))));
  app.delete('/api/settings/oncall/:id', async (req) => {
    await dir.deleteRotation(param(req, 'id'), actorOf(req));
    return { ok: true };
  });
  app.post('/api/settings/oncall/:id/overrides', async (req, reply) => {
    const o = await dir.addOverride(param(req, 'id'), req.body, actorOf(req));
    return reply.code(201).send({ id: o.id, person: o.personId, start: o.start, end: o.end, note: o.note ?? '' });
  });
  app.post('/api/settings/oncall/:id/swaps', async (req, reply) => {
    const pair = await dir.addSwap(param(req, 'id'), req.body, actorOf(req));
    return reply.code(201).send({ overrides: pair.map((o) => ({ id: o.id, person: o.personId, start: o.start, end: o.end, replaces: o.replaces })) });
  });
  app.delete('/api/settings/oncall/:id/overrides/:overrideId', async (req) => {
    await dir.deleteOverride(param(req, 'id'), param(req, 'overrideId'), actorOf(req));
    return { ok: true };
  });

  app.get('/api/audit', async (req) => ({ entries: await dir.listAudit(auditQuery(req.query as { since?: string; limit?: string })) }));
}
