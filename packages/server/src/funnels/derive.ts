/**
 * Funnel derivation: the `funnel_step` events of one funnel, grouped by session (`sid`; by user
 * when an event has no session id), ordered by the session's own clock and replayed against the
 * configured steps.
 * Pure: no storage, no clock (the caller passes `now`).
 *
 * A run is one pass through the flow. A step starts a run when none is open (at any step); a step
 * at or below the open run's step ends that run as an exit at its last step and starts a new one;
 * the last step completes the run; a run with no step for `timeoutMs` (last step + timeout ≤ a
 * later step, or ≤ now) is an exit at its last step; a run still within the timeout is in progress.
 * Steps not in the definition (and older SDKs' synthetic `(exit)` events) are ignored.
 */

export type FunnelDefinition = { name: string; steps: readonly string[] };

/** What derivation reads of a stored `funnel_step` event (`t`: server-corrected event time). */
export type FunnelStepEvent = { funnel: string; step: string; t: number; ts?: number; id?: string; sid?: string; uid?: string };

export type StepCount = { step: string; index: number; reached: number; exits: number };

export type FunnelReport = {
  name: string;
  steps: StepCount[];
  runs: number;
  completed: number;
  inProgress: number;
  /** configured steps without a session or user id: they cannot be followed, so they are not counted */
  unattributed: number;
};

export type DeriveOptions = {
  /** only runs whose first step is at or after this time (ms) are counted */
  from: number;
  /** only runs whose first step is at or before this time (ms) are counted */
  to: number;
  /** the time open runs are judged at: time out (exit) or still in progress */
  now: number;
  timeoutMs: number;
};

type Run = { first: number; last: number; index: number; reached: number[] };

/** The report of one funnel from its events (events of other funnels are ignored). */
export function deriveFunnel(def: FunnelDefinition, events: readonly FunnelStepEvent[], o: DeriveOptions): FunnelReport {
  const report: FunnelReport = {
    name: def.name,
    steps: def.steps.map((step, index) => ({ step, index, reached: 0, exits: 0 })),
    runs: 0,
    completed: 0,
    inProgress: 0,
    unattributed: 0,
  };
  const groups = new Map<string, FunnelStepEvent[]>();
  for (const e of events) {
    if (e.funnel !== def.name || !def.steps.includes(e.step)) continue;
    const key = e.sid ? `s:${e.sid}` : e.uid ? `u:${e.uid}` : undefined;
    if (key === undefined) {
      report.unattributed++;
      continue;
    }
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  for (const g of groups.values()) replay(def, g, o, report);
  return report;
}

const byId = (a = '', b = ''): number => (a < b ? -1 : a > b ? 1 : 0);

/** Replays one session's steps, adding each run it finds to the report. */
function replay(def: FunnelDefinition, group: FunnelStepEvent[], o: DeriveOptions, report: FunnelReport): void {
  // one session is one phone: its own clock (ts) orders its steps. The server-corrected time t is
  // shifted per batch by that batch's clock-skew estimate, so two steps sent in different batches
  // can swap by it. Steps taken in the same millisecond (an app calls mg.funnel() twice in one
  // handler) keep the order they were taken in: SDK event ids sort by capture time, then a sequence.
  group.sort((a, b) => (a.ts ?? a.t) - (b.ts ?? b.t) || byId(a.id, b.id) || a.t - b.t);
  const last = def.steps.length - 1;
  let open: Run | undefined;
  for (const e of group) {
    const index = def.steps.indexOf(e.step);
    if (open && (open.last + o.timeoutMs <= e.t || index <= open.index)) {
      count(open, 'exit', o, report);
      open = undefined;
    }
    if (open) {
      open.index = index;
      open.last = e.t;
      open.reached.push(index);
    } else open = { first: e.t, last: e.t, index, reached: [index] };
    if (index === last) {
      count(open, 'completed', o, report);
      open = undefined;
    }
  }
  if (open) count(open, open.last + o.timeoutMs <= o.now ? 'exit' : 'inProgress', o, report);
}

function count(run: Run, end: 'exit' | 'completed' | 'inProgress', o: DeriveOptions, report: FunnelReport): void {
  if (run.first < o.from || run.first > o.to) return;
  report.runs++;
  for (const i of run.reached) report.steps[i]!.reached++;
  if (end === 'exit') report.steps[run.index]!.exits++;
  else report[end]++;
}
