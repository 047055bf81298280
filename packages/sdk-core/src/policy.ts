/**
 * What the core decides per event type: its priority in the bounded queue and whether it may be
 * sampled out. Errors, crashes, SOS and business events are kept before the rest and never sampled.
 */
import { SERVER_HIGH, SERVER_SAMPLEABLE } from './server-side.js';
import type { EventType, MgEvent } from './types.js';

const set = (s: string): Record<string, 1> => {
  const o: Record<string, 1> = {};
  for (const k of s.split(' ')) o[k] = 1;
  return o;
};

/** kept first (exceptions, business, security) */
const HIGH = set('js_error crash memory_warning checkin sos funnel_step feature_use ' + SERVER_HIGH);
/**
 * may be sampled; a failed call (ok:false) of these is still always kept. Not app_launch: a cold
 * launch is the session count the crash rate divides by. A kept sampled event carries
 * attrs.sampleRate so the platform can weight it.
 */
const SAMPLEABLE = set('page_load api_request page_view slow_set_data ' + SERVER_SAMPLEABLE);

const failed = (e: MgEvent): boolean => (e as { ok?: boolean }).ok === false;

export function priorityOf(e: MgEvent): 1 | 2 {
  return HIGH[e.type] || failed(e) || (e.type === 'log' && (e.level === 'error' || e.level === 'fatal' || e.logger === 'mgops.sdk')) ? 2 : 1;
}

export function isSampleable(e: MgEvent): boolean {
  return !!SAMPLEABLE[e.type] && !failed(e);
}

/** Effective rate: the remote override wins over the local option; '*' applies to all sampleable. */
export function sampleRate(type: EventType, local?: Partial<Record<string, number>>, remote?: Partial<Record<string, number>>): number {
  let r: number | undefined;
  for (const rates of [remote, local]) {
    if (r === undefined && rates) r = typeof rates[type] === 'number' ? rates[type] : rates['*'];
  }
  return typeof r === 'number' && r >= 0 && r < 1 ? r : 1;
}
