/**
 * Recurring maintenance windows (Alertmanager's time intervals): weekdays and a time range in
 * Asia/Shanghai, optionally between two dates. Matching alerts are not paged during the window
 * (P0 still is, unless the window says otherwise).
 */
import type { Level } from '../notify/types.js';
import { inRestriction } from '../oncall/model.js';
import type { Alert } from './model.js';
import { matches, type Matcher } from './silence.js';

export type MaintenanceWindow = {
  name: string;
  matcher: Matcher;
  /** 1 = Monday … 7 = Sunday; every day when omitted */
  days?: number[];
  /** "HH:MM" Shanghai time; may wrap midnight */
  from: string;
  to: string;
  /** epoch ms bounds of the recurrence */
  startsAt?: number;
  endsAt?: number;
  /** levels still paged during the window (default P0) */
  exceptLevels?: Level[];
};

export function activeMaintenance(windows: MaintenanceWindow[], alert: Pick<Alert, 'metricId' | 'level' | 'labels'>, now: number): MaintenanceWindow | undefined {
  return windows.find(
    (w) =>
      (w.startsAt === undefined || now >= w.startsAt) &&
      (w.endsAt === undefined || now < w.endsAt) &&
      !(w.exceptLevels ?? ['P0']).includes(alert.level) &&
      matches(w.matcher, alert) &&
      inRestriction({ ...(w.days ? { days: w.days } : {}), from: w.from, to: w.to }, now),
  );
}
