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
  run_: string;
  idx_: number;
  at_: number;
  sid_?: string;
}

export const EXIT_STEP = '(exit)';

export interface Funnels {
  /** Records a step; false when the funnel or step is not configured. */
  step_(name: string, step: string): boolean;
  /** A page was shown: the steps bound to it. */
  page_(route: string): void;
  expire_(): void;
  snapshot_(): Record<string, [string, number]>;
  /** Runs left open by the previous session (the app was ended in the middle): reported as exits. */
  restore_(open: Record<string, [string, number]>, sid: string): void;
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
    const ev: EventInput = { type: 'funnel_step', funnel: name, step: EXIT_STEP, index: r.idx_, attrs: { run: r.run_, after: (steps[name] || [])[r.idx_] || '' } };
    if (r.sid_) ev.sid = r.sid_;
    delete runs[name];
    emit(ev);
  };
  const expire = (): void => {
    for (const name in runs) {
      const r = runs[name] as Run;
      if (r.at_ < now() - timeoutMs) exit(name, r);
    }
  };
  const step = (name: string, step: string): boolean => {
    const list = steps[name];
    const idx = list ? list.indexOf(step) : -1;
    if (!list || idx < 0) return false;
    expire();
    let r = runs[name];
    if (r && idx <= r.idx_) {
      exit(name, r);
      r = undefined;
    }
    if (!r) r = runs[name] = { run_: newEventId(now(), random).slice(-10), idx_: idx, at_: 0 };
    r.idx_ = idx;
    r.at_ = now();
    if (idx === list.length - 1) delete runs[name];
    emit({ type: 'funnel_step', funnel: name, step, index: idx, attrs: { run: r.run_ } });
    return true;
  };
  return {
    step_: step,
    page_(route) {
      for (const [name, s] of pages[route] || []) step(name, s);
    },
    expire_: expire,
    snapshot_() {
      const out: Record<string, [string, number]> = {};
      for (const name in runs) out[name] = [(runs[name] as Run).run_, (runs[name] as Run).idx_];
      return out;
    },
    restore_(open, sid) {
      for (const name in open) {
        const v = open[name];
        if (v && steps[name]) exit(name, { run_: v[0], idx_: v[1], at_: 0, sid_: sid });
      }
    },
  };
}
