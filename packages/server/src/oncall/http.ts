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
import { describe, object } from '../api/docs.js';

// what input.ts accepts, for /api/openapi.json (input.ts stays the validator)
const ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 64 };
const TIME = { oneOf: [{ type: 'integer', description: 'epoch ms' }, { type: 'string', description: 'Shanghai local time, e.g. 2025-01-06T10:00' }] };
const PERSON = { id: ID, name: { type: 'string', maxLength: 64 }, roles: { type: 'array', items: { type: 'string' } }, mobile: { type: ['string', 'null'] }, email: { type: ['string', 'null'] }, feishuOpenId: { type: ['string', 'null'] } };
const HHMM = { type: 'string', pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$' };
const LAYER = object({ name: { type: 'string' }, members: { type: 'array', items: ID, minItems: 1 }, start: TIME, handoff: { type: 'string', description: 'a duration of at least 1h (default 7d)' }, restriction: object({ days: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 7 } }, from: HHMM, to: HHMM }) }, ['members', 'start']);
const ROTATION = { id: ID, role: { type: 'string' }, layers: { type: 'array', items: LAYER, minItems: 1 } };
const SHIFT_FIELDS = { person: ID, start: TIME, end: TIME };
const SHIFT = object(SHIFT_FIELDS, ['person', 'start', 'end']);
const closed = { additionalProperties: false };

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
  app.get('/api/settings/people', describe('directory', 'People (contact points masked)'), async () => ({ people: dir.listPeople().map(maskPerson) }));
  app.post('/api/settings/people', describe('directory', 'Add a person', { status: 201, body: object(PERSON, ['id', 'name'], closed) }), async (req, reply) => reply.code(201).send(maskPerson(await dir.createPerson(req.body, actorOf(req)))));
  app.put('/api/settings/people/:id', describe('directory', 'Change a person (null removes a contact point)', { body: object(PERSON, [], closed) }), async (req) => maskPerson(await dir.updatePerson(param(req, 'id'), req.body, actorOf(req))));
  app.delete('/api/settings/people/:id', describe('directory', 'Remove a person'), async (req) => {
    await dir.deletePerson(param(req, 'id'), actorOf(req));
    return { ok: true };
  });

  app.get('/api/settings/oncall', describe('directory', 'Rotations with their layers and overrides'), async () => ({ rotations: dir.listRotations().map(rotationView) }));
  app.post('/api/settings/oncall', describe('directory', 'Add a rotation', { status: 201, body: object(ROTATION, ['id', 'role', 'layers'], closed) }), async (req, reply) => reply.code(201).send(rotationView(await dir.createRotation(req.body, actorOf(req)))));
  app.put('/api/settings/oncall/:id', describe('directory', "Replace a rotation's role and layers (its overrides stay)", { body: object(ROTATION, ['role', 'layers'], closed) }), async (req) => rotationView(await dir.updateRotation(param(req, 'id'), req.body, actorOf(req))));
  app.delete('/api/settings/oncall/:id', describe('directory', 'Remove a rotation'), async (req) => {
    await dir.deleteRotation(param(req, 'id'), actorOf(req));
    return { ok: true };
  });
  app.post('/api/settings/oncall/:id/overrides', describe('directory', 'Add an override: a person covers a time span', { status: 201, body: object({ ...SHIFT_FIELDS, note: { type: 'string', maxLength: 200 } }, ['person', 'start', 'end'], closed) }), async (req, reply) => {
    const o = await dir.addOverride(param(req, 'id'), req.body, actorOf(req));
    return reply.code(201).send({ id: o.id, person: o.personId, start: o.start, end: o.end, note: o.note ?? '' });
  });
  app.post('/api/settings/oncall/:id/swaps', describe('directory', "A swap: a covers b's shift and b covers a's (two overrides)", { status: 201, body: object({ a: SHIFT, b: SHIFT }, ['a', 'b'], closed) }), async (req, reply) => {
    const pair = await dir.addSwap(param(req, 'id'), req.body, actorOf(req));
    return reply.code(201).send({ overrides: pair.map((o) => ({ id: o.id, person: o.personId, start: o.start, end: o.end, replaces: o.replaces })) });
  });
  app.delete('/api/settings/oncall/:id/overrides/:overrideId', describe('directory', 'Remove an override'), async (req) => {
    await dir.deleteOverride(param(req, 'id'), param(req, 'overrideId'), actorOf(req));
    return { ok: true };
  });

  app.get('/api/audit', describe('audit', 'The audit log: who changed what, when, before and after', { query: object({ since: { type: 'integer', description: 'epoch ms' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }) }), async (req) => ({ entries: await dir.listAudit(auditQuery(req.query as { since?: string; limit?: string })) }));
}
