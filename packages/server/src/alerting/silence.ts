/**
 * Silences and matchers. A silence mutes notifications of matching alerts for a time; the alert
 * still exists, keeps its timeline, and is paged normally when the silence ends.
 */
import type { Level } from '../notify/types.js';
import type { Alert } from './model.js';

/** All given fields must match; `labels` values match exactly. */
export type Matcher = { metric?: string; levels?: Level[]; labels?: Record<string, string> };

export type Silence = {
  id: string;
  matcher: Matcher;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
};

export function matches(m: Matcher, alert: Pick<Alert, 'metricId' | 'level' | 'labels'>): boolean {
  if (m.metric !== undefined && m.metric !== alert.metricId) return false;
  if (m.levels !== undefined && !m.levels.includes(alert.level)) return false;
  for (const [k, v] of Object.entries(m.labels ?? {})) if (alert.labels[k] !== v) return false;
  return true;
}

export function activeSilence(silences: Silence[], alert: Pick<Alert, 'metricId' | 'level' | 'labels'>, now: number): Silence | undefined {
  return silences.find((s) => s.startsAt <= now && now < s.endsAt && matches(s.matcher, alert));
}
