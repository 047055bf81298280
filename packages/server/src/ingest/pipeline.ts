/**
 * Turns a parsed request body into what storage writes: the envelope is checked, each event is
 * validated on its own (rejected ones reported by index and field), its time corrected for the
 * client's clock skew and bounded, every string masked, ids pseudonymised where needed, JS errors
 * grouped (frames and fingerprint, see stack.ts).
 */
import {
  checkEnvelope, checkEvent, EVENT_CATEGORY, type BatchEnvelope, type EventType,
} from '@mgops/protocol';
import type { BatchWrite, EntityOp, StoredEvent } from '../storage/store.js';
import { ApiError } from '../util/errors.js';
import { dedupHash } from './hash.js';
import type { Privacy } from './privacy.js';
import { groupError } from './stack.js';
import { shanghaiDay } from '../metrics/custom.js';

export type Rejected = { index: number; field: string; message: string };

export type PipelineSettings = {
  apps: Map<string, Set<string>>;
  maxEventsPerBatch: number;
  maxEventAgeMs: number;
  maxFutureSkewMs: number;
};

const YEAR = 365 * 86_400_000;

export function prepareBatch(
  body: unknown,
  keyApp: string,
  receivedAt: number,
  cfg: PipelineSettings,
  privacy: Privacy,
): { write: BatchWrite; rejected: Rejected[] } {
  const envErr = checkEnvelope(body);
  if (envErr) {
    const tooMany = envErr.field === 'events' && Array.isArray((body as { events?: unknown }).events);
    throw new ApiError(tooMany ? 'PAYLOAD_TOO_LARGE' : 'INVALID_FIELD', envErr.message, envErr.field);
  }
  const env = body as Omit<BatchEnvelope, 'events'> & { events: unknown[] };
  if (env.events.length > cfg.maxEventsPerBatch) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `at most ${cfg.maxEventsPerBatch} events per batch`, 'events');
  }
  if (env.app !== keyApp) throw new ApiError('FORBIDDEN', `this ingest key belongs to app '${keyApp}'`, 'app');
  const envs = cfg.apps.get(env.app);
  if (envs && !envs.has(env.env)) {
    throw new ApiError('INVALID_FIELD', `unknown environment '${env.env}' for app '${env.app}' (configured: ${[...envs].join(', ')})`, 'env');
  }
  const offset = receivedAt - env.sentAt;
  if (!Number.isFinite(offset) || Math.abs(offset) > YEAR) {
    throw new ApiError('INVALID_FIELD', 'sentAt is more than a year away from the server clock', 'sentAt');
  }
  privacy.takeHits();
  const rejected: Rejected[] = [];
  const write: BatchWrite = {
    app: env.app,
    env: env.env,
    sdk: privacy.mask(`${env.sdk.name}/${env.sdk.version}`),
    receivedAt,
    events: [],
    category: [],
    dedup: [],
    ops: [],
  };
  if (env.release !== undefined) write.release = privacy.mask(env.release);
  if (env.ctx) {
    const ctx = { ...env.ctx };
    privacy.event(ctx);
    write.ctx = ctx;
  }
  const seenUsers = new Set<string>();
  for (let index = 0; index < env.events.length; index++) {
    const raw = env.events[index];
    const err = checkEvent(raw);
    if (err) {
      rejected.push({ index, field: `events.${index}.${err.field}`, message: err.message });
      continue;
    }
    const e = raw as StoredEvent & Record<string, unknown>;
    // clock skew: shift by the envelope's send-time offset, then bound
    const t = Math.round(e.ts + offset);
    if (t < receivedAt - cfg.maxEventAgeMs) {
      rejected.push({ index, field: `events.${index}.ts`, message: `event is older than the accepted ${Math.round(cfg.maxEventAgeMs / 86_400_000)} days (after clock-skew correction)` });
      continue;
    }
    if (t > receivedAt + cfg.maxFutureSkewMs) {
      rejected.push({ index, field: `events.${index}.ts`, message: 'event time is in the future (after clock-skew correction)' });
      continue;
    }
    const h = dedupHash(env.app, e.id);
    const ts = e.ts;
    privacy.event(e);
    groupError(e);
    e.t = Math.min(t, receivedAt);
    const i = write.events.length;
    write.events.push(e);
    write.category.push(EVENT_CATEGORY[e.type as EventType]);
    write.dedup.push({ ts: Math.round(ts), h });
    const op = entityOp(e, i, env.app);
    if (op) write.ops.push(op);
    if (e.uid !== undefined && e.type !== 'user_active' && !seenUsers.has(e.uid)) {
      seenUsers.add(e.uid);
      write.ops.push({ i, kind: 'user_active', app: env.app, uid: e.uid, day: shanghaiDay(e.t) });
    }
  }
  const pii = privacy.takeHits();
  if (pii) write.pii = pii;
  return { write, rejected };
}

function entityOp(e: StoredEvent, i: number, app: string): EntityOp | null {
  switch (e.type) {
    case 'sos':
      return { i, kind: 'sos', app, sosId: e.sosId, action: e.action, t: e.t, ...(e.by ? { by: e.by } : {}) };
    case 'risk_predicted':
      return { i, kind: 'risk_predicted', app, predictionId: e.predictionId, level: e.level, t: e.t, ...(e.model ? { model: e.model } : {}) };
    case 'risk_labelled':
      return { i, kind: 'risk_labelled', app, predictionId: e.predictionId, level: e.level, t: e.t };
    case 'user_active':
      return e.uid ? { i, kind: 'user_active', app, uid: e.uid, day: shanghaiDay(e.t) } : null;
    default:
      return null;
  }
}
