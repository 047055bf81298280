/**
 * What the core decides per event type: its priority in the bounded queue and whether it may be
 * sampled out. Errors, crashes, SOS and business events are kept before the rest and never sampled.
 */
import type { EventType, MgEvent } from './types.js';

/** 2 = keep first (exceptions, business, security), 1 = the rest. */
const HIGH: Partial<Record<EventType, true>> = {
  js_error: true,
  crash: true,
  memory_warning: true,
  checkin: true,
  task: true,
  sos: true,
  risk_predicted: true,
  risk_labelled: true,
  user_active: true,
  funnel_step: true,
  feature_use: true,
  auth_failure: true,
  access_denied: true,
  unauthorised_op: true,
  sensitive_access: true,
};

export function priorityOf(event: MgEvent): 1 | 2 {
  if (HIGH[event.type]) return 2;
  if (isFailure(event)) return 2;
  if (event.type === 'log' && (event.level === 'error' || event.level === 'fatal' || event.logger === 'mgops.sdk')) return 2;
  return 1;
}

function isFailure(event: MgEvent): boolean {
  return 'ok' in event && event.ok === false;
}

/** Types that may be sampled; a failed call (ok:false) of these is still always kept. */
const SAMPLEABLE: Partial<Record<EventType, true>> = {
  app_launch: true,
  page_load: true,
  api_request: true,
  page_view: true,
  slow_set_data: true,
  function_invocation: true,
  db_query: true,
  ai_call: true,
  resource: true,
  probe: true,
};

export function isSampleable(event: MgEvent): boolean {
  return SAMPLEABLE[event.type] === true && !isFailure(event);
}

/** Effective rate: the remote override wins over the local option; '*' applies to all sampleable. */
export function sampleRate(
  type: EventType,
  local: Partial<Record<string, number>> | undefined,
  remote: Partial<Record<string, number>> | undefined,
): number {
  let r = pick(remote, type);
  if (r === undefined) r = pick(local, type);
  if (r === undefined || !(r >= 0)) return 1;
  return r > 1 ? 1 : r;
}

function pick(rates: Partial<Record<string, number>> | undefined, type: string): number | undefined {
  if (!rates) return undefined;
  const v = rates[type];
  if (typeof v === 'number') return v;
  const all = rates['*'];
  return typeof all === 'number' ? all : undefined;
}
