/**
 * The rule state machine, a pure function of the previous state and one observation of a metric
 * (SPEC.md §2): a breach fires at once; an alert resolves only after the metric has been normal
 * for a full window (hysteresis); `insufficient` data is its own state — it never resolves an
 * alert and never fires one; more than 4 state changes within an hour mark the rule flapping.
 */
import type { Level } from '../notify/types.js';

export type ObservedState = 'ok' | 'warning' | 'critical' | 'insufficient';

export type Observation = {
  /** metric id, plus `{dim=value}` for a per-dimension rule */
  key: string;
  metricId: string;
  labels: Record<string, string>;
  state: ObservedState;
  value: number | null;
  /** the level the breach raises (null when ok or insufficient) */
  level: Level | null;
  /** the threshold that was crossed */
  threshold?: number;
  windowMs: number;
  at: number;
};

export type RuleState = {
  key: string;
  metricId: string;
  labels: Record<string, string>;
  /** the rule's standing: firing (alert open), ok, or no-data */
  status: 'ok' | 'firing' | 'no_data';
  severity: 'warning' | 'critical' | null;
  level: Level | null;
  /** start of the current run of normal observations while firing (hysteresis clock) */
  okSince: number | null;
  /** the last observed state other than insufficient, and when the observed state changed */
  lastObserved: ObservedState | null;
  changes: number[];
  flapping: boolean;
  value: number | null;
  updatedAt: number;
};

export type RuleEvent =
  | { kind: 'fire'; level: Level; severity: 'warning' | 'critical' }
  | { kind: 'upgrade'; from: Level; to: Level; severity: 'warning' | 'critical' }
  | { kind: 'resolve' }
  | { kind: 'no_data'; firing: boolean }
  | { kind: 'flapping'; on: boolean }
  | { kind: 'value' };

export type RuleOptions = { flapWindowMs: number; flapChanges: number };
export const DEFAULT_RULE_OPTIONS: RuleOptions = { flapWindowMs: 3_600_000, flapChanges: 4 };

const RANK: Record<Level, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };

export function initialState(obs: Observation): RuleState {
  return {
    key: obs.key,
    metricId: obs.metricId,
    labels: obs.labels,
    status: 'ok',
    severity: null,
    level: null,
    okSince: null,
    lastObserved: null,
    changes: [],
    flapping: false,
    value: null,
    updatedAt: obs.at,
  };
}

export function step(prev: RuleState | null, obs: Observation, opts: RuleOptions = DEFAULT_RULE_OPTIONS): { next: RuleState; events: RuleEvent[] } {
  const s: RuleState = { ...(prev ?? initialState(obs)), changes: [...(prev?.changes ?? [])], updatedAt: obs.at };
  const events: RuleEvent[] = [];

  if (obs.state !== 'insufficient') {
    if (s.lastObserved !== null && s.lastObserved !== obs.state) s.changes.push(obs.at);
    s.lastObserved = obs.state;
  }
  s.changes = s.changes.filter((t) => t > obs.at - opts.flapWindowMs);
  const flapping = s.changes.length > opts.flapChanges;
  if (flapping !== s.flapping) {
    s.flapping = flapping;
    events.push({ kind: 'flapping', on: flapping });
  }

  const firing = s.status === 'firing' || (s.status === 'no_data' && s.severity !== null);
  switch (obs.state) {
    case 'warning':
    case 'critical': {
      s.value = obs.value;
      s.okSince = null;
      const level = obs.level ?? 'P3';
      if (!firing) {
        s.status = 'firing';
        s.severity = obs.state;
        s.level = level;
        events.push({ kind: 'fire', level, severity: obs.state });
      } else {
        s.status = 'firing';
        if (s.level !== null && RANK[level] < RANK[s.level]) {
          events.push({ kind: 'upgrade', from: s.level, to: level, severity: obs.state });
          s.level = level;
          s.severity = obs.state;
        } else {
          events.push({ kind: 'value' });
        }
      }
      break;
    }
    case 'ok': {
      s.value = obs.value;
      if (!firing) {
        s.status = 'ok';
        break;
      }
      s.status = 'firing';
      if (s.okSince === null) s.okSince = obs.at;
      if (obs.at - s.okSince >= obs.windowMs) {
        s.status = 'ok';
        s.severity = null;
        s.level = null;
        s.okSince = null;
        events.push({ kind: 'resolve' });
      } else {
        events.push({ kind: 'value' });
      }
      break;
    }
    case 'insufficient': {
      // not normal: the hysteresis clock starts again when data is back
      s.okSince = null;
      if (s.status !== 'no_data') events.push({ kind: 'no_data', firing });
      s.status = 'no_data';
      if (!firing) {
        s.severity = null;
        s.level = null;
      }
      break;
    }
  }
  return { next: s, events };
}
