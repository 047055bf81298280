/** MTTA and MTTR per level over alerts opened in a period (for the dashboard and reports). */
import type { Level } from '../notify/types.js';
import type { Alert } from './model.js';

export type LevelStats = { level: Level; opened: number; acknowledged: number; resolved: number; mttaMs: number | null; mttrMs: number | null; ackedInTime: number };

export function responseStats(alerts: Alert[]): LevelStats[] {
  return (['P0', 'P1', 'P2', 'P3'] as const).map((level) => {
    const mine = alerts.filter((a) => a.level === level);
    const acked = mine.filter((a) => a.acknowledgedAt !== undefined);
    const resolved = mine.filter((a) => a.resolvedAt !== undefined);
    const mean = (xs: number[]): number | null => (xs.length ? Math.round(xs.reduce((s, x) => s + x, 0) / xs.length) : null);
    return {
      level,
      opened: mine.length,
      acknowledged: acked.length,
      resolved: resolved.length,
      mttaMs: mean(acked.map((a) => (a.acknowledgedAt ?? 0) - a.startsAt)),
      mttrMs: mean(resolved.map((a) => (a.resolvedAt ?? 0) - a.startsAt)),
      ackedInTime: acked.filter((a) => (a.acknowledgedAt ?? 0) <= a.ackDeadline).length,
    };
  });
}
