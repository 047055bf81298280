/**
 * Configured funnels, e.g. check-in: open → choose_mood → submit → success. Each step reached is a
 * `funnel_step` event carrying the run id (attrs.run), so the platform can follow one pass through
 * the flow. A run that stops before its last step — a new run starts, it times out, or the app was
 * ended with the run open — is reported once as step `(exit)` with the index and name of the last
 * step reached (attrs.after): the step where the user left.
 */
import { newEventId, type EventInput } from '@mgops/sdk-core';
import type { FunnelStepDecl } from './types.js';

interface Run {
  run: string;
  idx: number;
  at: number;
  sid?: string;
}

export const EXIT_STEP = '(exit)';

export interface Funnels {
  /** Records a step; false when the funnel or step is not configured. */
  step(name: string, step: string): boolean;
  /** A page was shown: the steps bound to it. */
  page(route: string): void;
  expire(): void;
  snapshot(): Record<string, [string, number]>;
  /** Runs left open by the previous session (the app was ended in the middle): reported as exits. */
  restore(open: Record<string, [string, number]>, sid: string): void;
}

export function createFunnels(
  defs: Record<string, Array<string | FunnelStepDecl>>,
  timeoutMs: number,
  now: () => number,
  emit: (ev: EventInput) => void,
  random?: () => number,
): Funnels {
  const runs: Record<string, Run> = {};
  const steps: Record<string, string[]> = {};
  const pages: Record<string, Array<[string, string]>> = {};
  for (const name in defs) {
    const list = defs[name] || [];
    steps[name] = list.map((s) => (typeof s === 'string' ? s : s.step));
    for (const s of list) if (typeof s !== 'string' && s.page) (pages[s.page] = pages[s.page] || []).push([name, s.step]);
  }
  const exit = (name: string, r: Run): void => {
    const ev: EventInput = { type: 'funnel_step', funnel: name, step: EXIT_STEP, index: r.idx, attrs: { run: r.run, after: (steps[name] || [])[r.idx] || '' } };
    if (r.sid) ev.sid = r.sid;
    delete runs[name];
    emit(ev);
  };
  const expire = (): void => {
    for (const name in runs) {
      const r = runs[name] as Run;
      if (r.at < now() - timeoutMs) exit(name, r);
    }
  };
  const step = (name: string, step: string): boolean => {
    const list = steps[name];
    const idx = list ? list.indexOf(step) : -1;
    if (!list || idx < 0) return false;
    expire();
    let r = runs[name];
    if (r && idx <= r.idx) {
      exit(name, r);
      r = undefined;
    }
    if (!r) r = runs[name] = { run: newEventId(now(), random).slice(-10), idx, at: 0 };
    r.idx = idx;
    r.at = now();
    if (idx === list.length - 1) delete runs[name];
    emit({ type: 'funnel_step', funnel: name, step, index: idx, attrs: { run: r.run } });
    return true;
  };
  return {
    step,
    page(route) {
      for (const [name, s] of pages[route] || []) step(name, s);
    },
    expire,
    snapshot() {
      const out: Record<string, [string, number]> = {};
      for (const name in runs) out[name] = [(runs[name] as Run).run, (runs[name] as Run).idx];
      return out;
    },
    restore(open, sid) {
      for (const name in open) {
        const v = open[name];
        if (v && steps[name]) exit(name, { run: v[0], idx: v[1], at: 0, sid });
      }
    },
  };
}
