/**
 * Alerting HTTP API: list and inspect alerts (timeline, deliveries), acknowledge and resolve,
 * silences, MTTA/MTTR, who is on call; and the signed acknowledge link used in DingTalk and
 * e-mail (GET shows a confirmation page, POST acknowledges, so link previews acknowledge nothing).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { Directory } from '../oncall/directory.js';
import { actorOf } from '../oncall/http.js';
import { nextHandoff, onCallAt } from '../oncall/model.js';
import type { AuditInput } from '../oncall/ports.js';
import type { Clock } from '../util/clock.js';
import { verifyAckToken } from './links.js';
import type { ActionResult, AlertManager } from './manager.js';
import type { AlertStatus } from './model.js';
import type { AlertStore, OutboxStore } from './ports.js';
import { responseStats } from './stats.js';
import { describe, object } from '../api/docs.js';
import { NAME_PATTERN } from '../auth/users.js';

const BY = { type: 'string', pattern: NAME_PATTERN.source, description: 'who acts; replaced by the signed-in user when there is one' };
const ACT = object({ by: BY }, ['by']);
const TIME = { type: 'integer', description: 'epoch ms' };
const MATCHER = object({ metric: { type: 'string' }, levels: { type: 'array', items: { enum: ['P0', 'P1', 'P2', 'P3'] } }, labels: { type: 'object', additionalProperties: { type: 'string' } } });

export type AlertingApiDeps = {
  manager: AlertManager; store: AlertStore; outbox: OutboxStore; directory: Directory; clock: Clock; ackSecret: string;
  /** the audit log: acknowledgements, resolutions and silences are recorded there (who, when, what) */
  audit?: { record(entry: Omit<AuditInput, 'at'>): Promise<void> };
};

const STATUSES: AlertStatus[] = ['firing', 'acknowledged', 'resolved'];

function fail(reply: FastifyReply, status: number, code: string, message: string, field?: string) {
  return reply.code(status).send({ code, message, ...(field ? { field } : {}) });
}

function answer(reply: FastifyReply, r: ActionResult) {
  if (r.ok) return reply.send(r.alert);
  return fail(reply, r.code === 'NOT_FOUND' ? 404 : 409, r.code, r.message);
}

/** Acknowledges or resolves, and audits what changed. */
async function act(deps: AlertingApiDeps, id: string, kind: 'ack' | 'resolve', by: string, actor: string, via: 'api' | 'link'): Promise<ActionResult> {
  const r = kind === 'ack' ? await deps.manager.acknowledge(id, by, via) : await deps.manager.resolve(id, by);
  if (r.ok && r.from) {
    await deps.audit?.record({ actor, action: `alert.${kind}`, target: `alert:${id}`, before: { status: r.from }, after: { status: r.alert.status, by, via } });
  }
  return r;
}

const who = (body: unknown): string | undefined => {
  const by = (body as { by?: unknown } | null)?.by;
  return typeof by === 'string' && NAME_PATTERN.test(by) ? by : undefined;
};

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32em;margin:2em auto">${body}</body></html>`;

export function registerAlertingApi(app: FastifyInstance, deps: AlertingApiDeps): void {
  app.get('/api/alerts', describe('alerts', 'Alerts, newest first', { query: object({ status: { type: 'string', description: 'comma-separated: firing, acknowledged, resolved' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }) }), async (req, reply) => {
    const q = req.query as { status?: string; limit?: string };
    const status = q.status ? q.status.split(',') : undefined;
    if (status && !status.every((s) => (STATUSES as string[]).includes(s))) return fail(reply, 400, 'INVALID_FIELD', `status must be among ${STATUSES.join(', ')}`, 'status');
    const limit = Math.min(1000, Math.max(1, Number(q.limit ?? 100) || 100));
    return deps.store.listAlerts({ ...(status ? { status: status as AlertStatus[] } : {}), limit });
  });

  app.get('/api/alerts/stats', describe('alerts', 'MTTA and MTTR per level since a time (default: 30 days)', { query: object({ since: TIME }) }), async (req) => {
    const since = Number((req.query as { since?: string }).since ?? deps.clock.now() - 30 * 86_400_000);
    const alerts = (await deps.store.listAlerts({ limit: 100_000 })).filter((a) => a.startsAt >= since);
    return { since, levels: responseStats(alerts) };
  });

  app.get('/api/alerts/:id', describe('alerts', 'One alert with its timeline and notification deliveries'), async (req, reply) => {
    const { id } = req.params as { id: string };
    const alert = await deps.store.getAlert(id);
    if (!alert) return fail(reply, 404, 'NOT_FOUND', `no alert ${id}`);
    const deliveries = (await deps.outbox.byAlert(id)).map((r) => ({
      channel: r.delivery.channel, status: r.status, attempts: r.attempts, reason: r.pageKey.split(':')[1], lastError: r.lastError ?? null, providerId: r.providerId ?? null, fallbackOf: r.fallbackOf ?? null, updatedAt: r.updatedAt,
    }));
    return { alert, timeline: await deps.store.timeline(id), deliveries };
  });

  app.post('/api/alerts/:id/ack', describe('alerts', 'Acknowledge an alert (stops escalation; 409 once resolved)', { body: ACT }), async (req, reply) => {
    const by = who(req.body);
    if (!by) return fail(reply, 400, 'INVALID_FIELD', 'by is required (the acknowledging person)', 'by');
    return answer(reply, await act(deps, (req.params as { id: string }).id, 'ack', by, actorOf(req), 'api'));
  });

  app.post('/api/alerts/:id/resolve', describe('alerts', 'Resolve an alert by hand', { body: ACT }), async (req, reply) => {
    const by = who(req.body);
    if (!by) return fail(reply, 400, 'INVALID_FIELD', 'by is required (the resolving person)', 'by');
    return answer(reply, await act(deps, (req.params as { id: string }).id, 'resolve', by, actorOf(req), 'api'));
  });

  app.get('/api/silences', describe('silences', 'Silences, current and ended'), async () => deps.store.listSilences());
  app.post('/api/silences', describe('silences', 'Silence the alerts a matcher selects, from startsAt (default now) until endsAt', { status: 201, body: object({ matcher: MATCHER, startsAt: TIME, endsAt: TIME, by: BY, comment: { type: 'string', maxLength: 500 } }, ['matcher', 'endsAt', 'by']) }), async (req, reply) => {
    const b = req.body as { matcher?: unknown; startsAt?: unknown; endsAt?: unknown; by?: unknown; comment?: unknown } | null;
    const by = who(b);
    const now = deps.clock.now();
    const startsAt = typeof b?.startsAt === 'number' ? b.startsAt : now;
    if (!by) return fail(reply, 400, 'INVALID_FIELD', 'by is required', 'by');
    if (typeof b?.endsAt !== 'number' || b.endsAt <= startsAt) return fail(reply, 400, 'INVALID_FIELD', 'endsAt must be a time after startsAt', 'endsAt');
    if (typeof b.matcher !== 'object' || b.matcher === null) return fail(reply, 400, 'INVALID_FIELD', 'matcher is required', 'matcher');
    const silence = { id: 'S' + randomBytes(5).toString('hex'), matcher: b.matcher as never, startsAt, endsAt: b.endsAt, createdBy: by, comment: typeof b.comment === 'string' ? b.comment.slice(0, 500) : '' };
    await deps.store.saveSilence(silence);
    await deps.audit?.record({ actor: actorOf(req), action: 'silence.create', target: `silence:${silence.id}`, before: null, after: silence });
    return reply.code(201).send(silence);
  });
  /** Expires a silence now (it stays listed, ended). */
  app.delete('/api/silences/:id', describe('silences', 'Expire a silence now (it stays listed, ended)'), async (req: FastifyRequest, reply) => {
    const { id } = req.params as { id: string };
    const before = (await deps.store.listSilences()).find((s) => s.id === id);
    if (!before) return fail(reply, 404, 'NOT_FOUND', `no silence ${id}`, 'id');
    const now = deps.clock.now();
    if (before.endsAt <= now) return fail(reply, 409, 'CONFLICT', `silence ${id} has already ended`, 'id');
    const after = { ...before, endsAt: now };
    await deps.store.saveSilence(after);
    await deps.audit?.record({ actor: actorOf(req), action: 'silence.expire', target: `silence:${id}`, before, after });
    return after;
  });

  app.get('/api/oncall', describe('oncall', 'Who is on call for each rotation at a time (default now), and until when', { query: object({ at: TIME }) }), async (req) => {
    const at = Number((req.query as { at?: string }).at ?? deps.clock.now());
    return {
      at,
      rotations: deps.directory.rotations.map((r) => {
        const id = onCallAt(r, at);
        const p = id !== undefined ? deps.directory.person(id) : undefined;
        return { id: r.id, role: r.role, onCall: p ? { id: p.id, name: p.name } : null, until: nextHandoff(r, at) ?? null };
      }),
    };
  });

  app.register(async (scope) => registerAckLink(scope, deps));
}

/** The signed link, in its own scope so only it parses HTML form posts. */
async function registerAckLink(app: FastifyInstance, deps: AlertingApiDeps): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.get('/ack/:id', describe('alerts', 'Signed acknowledge link: a confirmation page (acknowledges nothing)', { auth: 'ackLink', produces: 'text/html' }), async (req, reply) => {
    const { id } = req.params as { id: string };
    const t = (req.query as { t?: string }).t ?? '';
    reply.type('text/html; charset=utf-8');
    if (!verifyAckToken(deps.ackSecret, id, t, deps.clock.now())) return reply.code(403).send(page('链接无效', '<p>确认链接无效或已过期。</p>'));
    return page('确认告警', `<form method="post"><p>确认告警 ${id}？</p><input name="by" placeholder="姓名/工号" required><button type="submit">确认</button></form>`);
  });

  app.post('/ack/:id', describe('alerts', 'Signed acknowledge link: acknowledge (the confirmation form posts here)', { auth: 'ackLink', produces: 'text/html', consumes: 'application/x-www-form-urlencoded', body: object({ by: BY }) }), async (req, reply) => {
    const { id } = req.params as { id: string };
    const t = (req.query as { t?: string }).t ?? '';
    reply.type('text/html; charset=utf-8');
    if (!verifyAckToken(deps.ackSecret, id, t, deps.clock.now())) return reply.code(403).send(page('链接无效', '<p>确认链接无效或已过期。</p>'));
    const by = who(req.body) ?? 'link';
    const r = await act(deps, id, 'ack', by, `${by} (signed link)`, 'link');
    if (!r.ok) return reply.code(r.code === 'NOT_FOUND' ? 404 : 409).send(page('无法确认', `<p>${r.code === 'CONFLICT' ? '告警已恢复。' : '告警不存在。'}</p>`));
    return page('已确认', `<p>告警 ${id} 已确认。</p>`);
  });
}
