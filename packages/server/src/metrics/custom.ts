/**
 * Metrics that need more than one series: SOS timers, risk accuracy from review labels, retention
 * cohorts, feature usage against expectation, and the security detectors.
 */
import type { Config } from '../config/schema.js';
import type { Store } from '../storage/store.js';
import type { CustomMetric } from './catalogue.js';
import { round, type Computed } from './compute.js';
import type { Rollups } from './rollups.js';
import { MINUTE } from './agg.js';

const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;
/** Day number in Asia/Shanghai (UTC+8, no DST). */
export const shanghaiDay = (t: number) => Math.floor((t + SHANGHAI) / DAY);

export type CustomCtx = { store: Store; rollups: Rollups; config: Config; now: number; windowMs: number; from: number; to: number };

export async function computeCustom(fn: CustomMetric, c: CustomCtx): Promise<Computed> {
  switch (fn) {
    case 'sos':
      return sos(c);
    case 'risk_accuracy': {
      const s = await c.store.riskStats(c.now - c.windowMs);
      return {
        value: s.labelled > 0 ? round((100 * s.matched) / s.labelled) : null,
        samples: s.labelled,
        details: { matched: s.matched, highLabelled: s.highLabelled, highRecall: s.highLabelled > 0 ? round((100 * s.highCaught) / s.highLabelled) : -1 },
      };
    }
    case 'retention':
      return retention(c);
    case 'feature_usage':
      return featureUsage(c);
    case 'abnormal_access': {
      const limit = c.config.expected.authFailureBurst;
      const bySource = await c.rollups.byValue('auth_failure', 'source', c.from, c.to);
      const denied = await c.rollups.byValue('access_denied', 'source', c.from, c.to);
      let sources = 0;
      let worst = 0;
      for (const m of [bySource, denied]) {
        for (const [, a] of m) {
          worst = Math.max(worst, a.n);
          if (a.n >= limit) sources++;
        }
      }
      return { value: sources, samples: sources, details: { worstSourceFailures: worst, limit } };
    }
    case 'sensitive_access': {
      const limit = c.config.expected.sensitiveRecordsPerActor;
      const byActor = await c.rollups.byValue('sensitive_access', 'actor', c.from, c.to);
      let actors = 0;
      let worst = 0;
      for (const [, a] of byActor) {
        worst = Math.max(worst, a.sum);
        if (a.sum > limit) actors++;
      }
      return { value: actors, samples: actors, details: { worstActorRecords: worst, limit } };
    }
    case 'data_leak': {
      const pii = (await c.rollups.totals(['pii'], c.from, c.to)).get('pii');
      const hourFrom = Math.floor((c.now - 3_600_000) / MINUTE) * MINUTE + MINUTE;
      const exp = (await c.rollups.totals(['data_export'], hourFrom, c.to)).get('data_export');
      const exportOver = (exp?.sum ?? 0) > c.config.expected.exportRecordsPerHour ? 1 : 0;
      const hits = pii?.n ?? 0;
      return { value: hits + exportOver, samples: hits + exportOver, details: { piiFound: hits, exportedRecordsLastHour: exp?.sum ?? 0 } };
    }
  }
}

async function sos(c: CustomCtx): Promise<Computed> {
  const open = await c.store.openSos();
  const answered = await c.store.sosAnsweredBetween(c.now - c.windowMs, c.now + 1);
  const times = answered.map((s) => ((s.answeredAt ?? 0) - s.triggeredAt) / 1000).sort((a, b) => a - b);
  const p95 = times.length > 0 ? times[Math.max(0, Math.ceil(0.95 * times.length) - 1)]! : null;
  const waiting = open.map((s) => (c.now - s.triggeredAt) / 1000).filter((w) => w >= 0);
  const longestWait = waiting.length > 0 ? Math.max(...waiting) : null;
  // an unanswered SOS dominates: the value is how long the longest-waiting person has waited
  const value = longestWait !== null ? longestWait : p95;
  return {
    value: value === null ? null : round(value, 1),
    samples: open.length + answered.length,
    details: { open: open.length, answeredToday: answered.length, p95Seconds: p95 ?? -1, maxSeconds: times.length > 0 ? times[times.length - 1]! : -1 },
  };
}

async function retention(c: CustomCtx): Promise<Computed> {
  const today = shanghaiDay(c.now);
  // judge complete days only: day-1 of the cohort two days ago, day-7 of the cohort eight days ago
  const d1 = await c.store.retention(today - 2, 1);
  const d7 = await c.store.retention(today - 8, 7);
  const exp = c.config.expected.retention;
  const r1 = d1.cohort > 0 ? (100 * d1.retained) / d1.cohort : null;
  const r7 = d7.cohort > 0 ? (100 * d7.retained) / d7.cohort : null;
  const ratios = [r1 === null ? null : (100 * r1) / exp.day1, r7 === null ? null : (100 * r7) / exp.day7].filter((x): x is number => x !== null);
  return {
    value: ratios.length > 0 ? round(Math.min(...ratios)) : null,
    samples: d1.cohort,
    details: { day1: r1 === null ? -1 : round(r1), day7: r7 === null ? -1 : round(r7), cohortDay1: d1.cohort, cohortDay7: d7.cohort },
  };
}

async function featureUsage(c: CustomCtx): Promise<Computed> {
  const exp = c.config.expected.featureUsage;
  const now = await c.rollups.byValue('feature', 'feature', c.from, c.to);
  let worst: number | null = null;
  let judged = 0;
  const details: Record<string, number> = {};
  for (const [feature, setting] of Object.entries(exp)) {
    let expected: number | null = typeof setting === 'number' ? setting : null;
    if (setting === 'history') {
      const past: number[] = [];
      for (let k = 1; k <= 4; k++) {
        const shift = 7 * k * DAY;
        const m = await c.rollups.byValue('feature', 'feature', c.from - shift, c.to - shift);
        const n = m.get(feature)?.n;
        if (n !== undefined && n > 0) past.push(n);
      }
      expected = past.length > 0 ? past.reduce((a, b) => a + b, 0) / past.length : null;
    }
    if (expected === null || expected <= 0) continue;
    const ratio = (100 * (now.get(feature)?.n ?? 0)) / expected;
    details[feature] = round(ratio);
    judged++;
    worst = worst === null ? ratio : Math.min(worst, ratio);
  }
  return { value: worst === null ? null : round(worst), samples: judged, details };
}
