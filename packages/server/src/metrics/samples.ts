/**
 * What each stored event contributes to the minute rollups: series, value, failure flag and the
 * dimensions it can be broken down by. Pure; the catalogue (catalogue.ts) reads these series.
 */
import type { BatchMeta, StoredEvent } from '../storage/store.js';

export type Sample = {
  series: string;
  value: number;
  bad: boolean;
  /** how many real events this sample stands for: 1 / attrs.sampleRate of a sampled event, else 1 */
  w: number;
  /** keep a quantile sketch (latency series) */
  q: boolean;
  dims: [string, string][];
};

export type SampleSettings = {
  slowQueryMs: number;
  aiTimeLimitMs: number;
  dbConnectionsMax: number;
  /** configured funnels' steps (config `funnels.flows`): a step's index comes from here */
  funnels?: Readonly<Record<string, readonly string[]>>;
};

const s = (series: string, value: number, bad: boolean, q: boolean, dims: [string, string][]): Sample => ({ series, value, bad, w: 1, q, dims });

/**
 * The event types an SDK may sample (sdk-core policy.ts). Any other type always counts once,
 * whatever rate it claims: a client cannot inflate a business or security count with a small
 * sampleRate on a checkin, an SOS or an auth failure.
 */
const SAMPLEABLE = new Set<string>(['page_load', 'api_request', 'page_view', 'slow_set_data', 'function_invocation', 'db_query', 'ai_call', 'resource', 'probe']);
/** The lowest rate honoured: one kept event never stands for more than 1,000. */
export const MIN_SAMPLE_RATE = 0.001;

/**
 * The weight of an event: 1 / attrs.sampleRate for a kept sampled event (rate clamped to
 * [MIN_SAMPLE_RATE, 1)), else 1. A failed call (ok:false) is never sampled, so it counts once.
 */
export function weightOf(e: StoredEvent): number {
  if (!SAMPLEABLE.has(e.type) || (e as { ok?: boolean }).ok === false) return 1;
  const r = e.attrs?.sampleRate;
  if (typeof r !== 'number' || !(r > 0 && r < 1)) return 1;
  return 1 / Math.max(r, MIN_SAMPLE_RATE);
}

/** Client (mini-program) or server origin of a batch, for business series that both may report. */
export const originOf = (meta: Pick<BatchMeta, 'sdk'>) => (meta.sdk.includes('miniprogram') ? 'client' : 'server');

/** Appends the samples of an event to `out`, each weighted by weightOf(e). */
export function samplesOf(e: StoredEvent, meta: BatchMeta, cfg: SampleSettings, out: Sample[]): void {
  const start = out.length;
  unweighted(e, meta, cfg, out);
  const w = weightOf(e);
  if (w !== 1) for (let i = start; i < out.length; i++) out[i]!.w = w;
}

function unweighted(e: StoredEvent, meta: BatchMeta, cfg: SampleSettings, out: Sample[]): void {
  const rel = meta.release ?? '';
  const model = meta.ctx?.model ?? '';
  const os = meta.ctx?.os ?? '';
  const dev: [string, string][] = [['model', model], ['os', os], ['release', rel]];
  switch (e.type) {
    case 'app_launch':
      out.push(s('launch', e.duration, false, true, dev));
      if (e.cold) out.push(s('session', 1, false, false, dev));
      return;
    case 'page_load':
      out.push(s('page_load', e.duration, false, true, [['page', e.page], ...dev]));
      return;
    case 'api_request':
      if (e.side === 'client') out.push(s('api.client', e.duration, !e.ok, true, [['route', e.route], ...dev]));
      else out.push(s('api.server', e.duration, !e.ok, true, [['route', e.route], ['release', rel]]));
      return;
    case 'function_invocation':
      out.push(s('fn', e.duration, !e.ok, true, [['fn', e.fn], ['release', rel]]));
      if (e.cold && e.initDuration !== undefined) out.push(s('fn.init', e.initDuration, false, true, [['fn', e.fn]]));
      if (e.concurrency !== undefined) out.push(s('concurrency', e.concurrency, false, false, [['target', `fn:${e.fn}`]]));
      return;
    case 'db_query':
      out.push(s('db', e.duration, !e.ok, true, [['collection', e.collection], ['op', e.op]]));
      if (e.duration > cfg.slowQueryMs) out.push(s('db.slow', e.duration, false, false, [['collection', e.collection]]));
      return;
    case 'ai_call': {
      const late = e.timeout === true || e.duration > cfg.aiTimeLimitMs;
      out.push(s('ai', e.duration, !e.ok || late, true, [['workflow', e.workflow]]));
      return;
    }
    case 'js_error':
      out.push(s('js_error', 1, true, false, [['page', e.page ?? ''], ['fingerprint', e.fingerprint ?? ''], ['kind', e.kind], ...dev]));
      return;
    case 'crash':
      out.push(s('crash', 1, true, false, [['reason', e.reason], ...dev]));
      return;
    case 'memory_warning':
      out.push(s('memory_warning', e.level ?? 0, false, false, dev));
      return;
    case 'page_view':
      out.push(s('page_view', e.dwell ?? 0, false, true, [['page', e.page], ...dev]));
      return;
    case 'funnel_step': {
      // a configured funnel's definition decides the index (new SDKs send none; steps not in it,
      // such as older SDKs' '(exit)', are skipped); an unconfigured funnel keeps the index sent
      const steps = cfg.funnels?.[e.funnel];
      const index = steps ? steps.indexOf(e.step) : (e.index ?? -1);
      if (index >= 0) out.push(s(`funnel:${e.funnel}`, index, false, false, [['step', `${index}:${e.step}`]]));
      return;
    }
    case 'feature_use':
      out.push(s('feature', 1, false, false, [['feature', e.feature]]));
      return;
    case 'slow_set_data':
      out.push(s('set_data', e.duration, false, true, [['page', e.page ?? '']]));
      return;
    case 'checkin':
      out.push(s(`checkin.${e.outcome}@${originOf(meta)}`, 1, e.outcome === 'failure', false, []));
      return;
    case 'task':
      out.push(s(`task.${e.outcome}@${originOf(meta)}`, 1, false, false, [['taskType', e.taskType ?? '']]));
      return;
    case 'sos':
    case 'risk_predicted':
    case 'risk_labelled':
    case 'user_active':
      out.push(s(e.type, 1, false, false, []));
      return;
    case 'auth_failure':
      out.push(s('auth_failure', 1, true, false, [['source', e.source ?? '']]));
      return;
    case 'access_denied':
      out.push(s('access_denied', 1, true, false, [['source', e.source ?? ''], ['role', e.role ?? '']]));
      return;
    case 'unauthorised_op':
      out.push(s('unauthorised_op', 1, true, false, [['role', e.role ?? ''], ['operation', e.operation]]));
      return;
    case 'sensitive_access':
      out.push(s(e.export ? 'data_export' : 'sensitive_access', e.records, false, false, [['category', e.category], ['role', e.role ?? ''], ['actor', e.actor ?? '']]));
      return;
    case 'resource':
      resourceSamples(e, cfg, out);
      return;
    case 'probe':
      out.push(s('probe', e.duration ?? 0, !e.ok, false, [['target', e.target]]));
      return;
    case 'log':
      out.push(s('log', 1, e.level === 'error' || e.level === 'fatal', false, [['level', e.level], ['category', e.category ?? 'system']]));
      return;
  }
}

function resourceSamples(e: Extract<StoredEvent, { type: 'resource' }>, cfg: SampleSettings, out: Sample[]): void {
  const target: [string, string][] = [['target', e.target ?? '']];
  switch (e.resource) {
    case 'storage':
    case 'disk': {
      const pct = e.capacity ? (100 * e.value) / e.capacity : e.unit === '%' ? e.value : NaN;
      if (Number.isFinite(pct)) out.push(s(e.resource === 'storage' ? 'storage' : 'disk', pct, false, false, target));
      return;
    }
    case 'connections': {
      const cap = e.capacity ?? cfg.dbConnectionsMax;
      out.push(s('connections', (100 * e.value) / cap, false, false, target));
      return;
    }
    case 'concurrency':
      out.push(s('concurrency', e.value, false, false, target));
      return;
    default:
      out.push(s(`res.${e.resource}`, e.value, false, false, target));
  }
}
