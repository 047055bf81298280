/**
 * Dashboard-only APIs: the SOS panel (pseudonymous ids, live timers, today's p95), and the
 * settings pages — channels (names only, never secrets) with a test message, ingest keys. People
 * and rotations are served, and edited, by the on-call directory API (oncall/http.ts).
 */
import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import type { Platform } from '../app.js';
import { createKey } from '../ingest/keys.js';
import { validateChannelsConfig } from '../notify/config.js';
import { createChannelRegistry, sendDelivery } from '../notify/registry.js';
import { CHANNEL_TYPES, type ChannelType, type Delivery, type NotificationMessage } from '../notify/types.js';
import { ApiError } from '../util/errors.js';
import { describe, object } from '../api/docs.js';

const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;

export const pseudoSos = (app: string, sosId: string): string => 'SOS-' + createHash('sha256').update(`${app}\u0000${sosId}`).digest('hex').slice(0, 8);

function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? null;
}

type Section = Record<string, unknown> | undefined;

/** Configured target names per channel type (group / robot / bot / endpoint names). */
function targets(type: ChannelType, section: Section): string[] {
  if (!section) return [];
  const key = { dingtalk: 'groups', wecom: 'robots', feishu: 'bots', webhook: 'endpoints' }[type as string];
  const rec = key ? (section[key] as Record<string, unknown> | undefined) : undefined;
  return rec ? Object.keys(rec) : type === 'email' ? ['smtp'] : ['default'];
}

function testDelivery(type: ChannelType, target: string, to: string | undefined): Delivery | null {
  switch (type) {
    case 'dingtalk':
      return { channel: 'dingtalk', target: { robotGroup: target } };
    case 'wecom':
      return { channel: 'wecom', target: { robot: target } };
    case 'feishu':
      return { channel: 'feishu', target: { bot: target } };
    case 'webhook':
      return { channel: 'webhook', target: { endpoint: target } };
    case 'email':
      return to ? { channel: 'email', target: { to: [to] } } : null;
    default:
      return null;
  }
}

const SPARK_SPAN = 6 * 3_600_000;
const SPARK_STEP = 15 * 60_000;

/** Every matrix metric over the last 6 h in 15-minute steps, computed at most once a minute. */
function sparklines(p: Platform): () => Promise<{ at: number; series: Record<string, (number | null)[]> }> {
  let cached: { at: number; series: Record<string, (number | null)[]> } | null = null;
  let pending: Promise<{ at: number; series: Record<string, (number | null)[]> }> | null = null;
  return async () => {
    const now = p.clock.now();
    if (cached && now - cached.at < 60_000) return cached;
    pending ??= (async () => {
      const to = Math.ceil(now / 60_000) * 60_000;
      const series: Record<string, (number | null)[]> = {};
      for (const id of new Set(p.config.matrix.map((r) => r.metric))) {
        series[id] = await p.metrics.series(id, to - SPARK_SPAN, to, SPARK_STEP).then((pts) => pts.map((x) => x.value), () => []);
      }
      cached = { at: now, series };
      pending = null;
      return cached;
    })();
    return pending;
  };
}

export function registerDashboardApi(app: FastifyInstance, p: Platform): void {
  const sparks = sparklines(p);
  app.get('/api/v1/sparklines', describe('dashboard', 'Every matrix metric over the last 6 h in 15-minute steps'), async () => sparks());
  app.get('/api/v1/sos', describe('dashboard', "The SOS panel: open SOS (pseudonymous ids, elapsed time) and today's answered count and p95"), async () => {
    const now = p.clock.now();
    const dayStart = Math.floor((now + SHANGHAI) / DAY) * DAY - SHANGHAI;
    const open = (await p.store.openSos()).map((s) => ({ id: pseudoSos(s.app, s.sosId), triggeredAt: s.triggeredAt, acknowledgedAt: s.acknowledgedAt, elapsedMs: now - s.triggeredAt }));
    const answered = await p.store.sosAnsweredBetween(dayStart, now + 1);
    const times = answered.flatMap((s) => (s.answeredAt !== null ? [s.answeredAt - s.triggeredAt] : []));
    return { at: now, open, today: { answered: times.length, p95Ms: p95(times), since: dayStart } };
  });

  const channels = validateChannelsConfig(p.config.channels ?? {});
  const cfg = 'config' in channels ? channels.config : {};
  app.get('/api/settings/channels', describe('settings', 'Notification channels: configured or not, and target names (never secrets)'), async () => ({
    channels: CHANNEL_TYPES.map((type) => {
      const section = (cfg as Record<string, Section>)[type];
      return { type, configured: section !== undefined, targets: targets(type, section) };
    }),
  }));
  app.post('/api/settings/channels/:type/test', describe('settings', 'Send a test message through a channel', { body: object({ target: { type: 'string', description: 'a configured target name (default: the first)' }, to: { type: 'string', description: 'e-mail recipient (email only)' } }) }), async (req) => {
    const type = (req.params as { type: string }).type as ChannelType;
    if (!CHANNEL_TYPES.includes(type)) throw new ApiError('NOT_FOUND', `no channel type ${type}`, 'type');
    const b = (req.body ?? {}) as { target?: unknown; to?: unknown };
    const section = (cfg as Record<string, Section>)[type];
    const target = typeof b.target === 'string' ? b.target : targets(type, section)[0];
    if (!section || !target) throw new ApiError('CONFLICT', `channel ${type} is not configured (see channels in config/mindguard.yaml)`, 'type');
    const delivery = testDelivery(type, target, typeof b.to === 'string' ? b.to : undefined);
    if (!delivery) throw new ApiError('INVALID_FIELD', `a test of ${type} needs a recipient`, 'to');
    const text = 'MindGuard Ops 测试消息 / test message';
    const message: NotificationMessage = { kind: 'test', level: 'P3', lang: 'zh-CN', title: text, markdown: text, text, html: `<p>${text}</p>`, params: ['test'], links: {} };
    const r = await sendDelivery(createChannelRegistry(cfg), delivery, message, { now: () => p.clock.now() });
    return r.ok ? { ok: true } : { ok: false, code: r.code ?? 'FAILED', message: r.error };
  });

  app.get('/api/settings/keys', describe('settings', 'Ingest keys (never the key itself)'), async () => ({ keys: (await p.store.listKeys()).map(({ hash: _h, ...k }) => k) }));
  app.post('/api/settings/keys', describe('settings', 'Create an ingest key for an app (the key is shown once)', { status: 201, body: object({ app: { type: 'string', description: 'a configured app id' }, note: { type: 'string', maxLength: 200 } }, ['app']) }), async (req, reply) => {
    const b = (req.body ?? {}) as { app?: unknown; note?: unknown };
    if (typeof b.app !== 'string' || !p.config.apps.some((a) => a.id === b.app)) throw new ApiError('INVALID_FIELD', 'app must be a configured app id', 'app');
    const { key, record } = await createKey(p.store, b.app, p.clock.now(), typeof b.note === 'string' ? b.note.slice(0, 200) : undefined);
    p.keys.invalidate();
    return reply.code(201).send({ id: record.id, app: record.app, key });
  });
  app.post('/api/settings/keys/:id/revoke', describe('settings', 'Revoke an ingest key'), async (req) => {
    const id = (req.params as { id: string }).id;
    if (!(await p.store.revokeKey(id, p.clock.now()))) throw new ApiError('NOT_FOUND', `no active key ${id}`, 'id');
    return { ok: true };
  });
}
