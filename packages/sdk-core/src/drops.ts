/**
 * Drop accounting. Every event that does not reach the collector is counted under one reason.
 * Totals are in `stats().dropped`; the counts not yet reported are sent, at most once a minute
 * and on every flush, as one `log` event (logger `mgops.sdk`, attrs `dropped_<reason>`). Drops for
 * refused consent are counted but never reported.
 */
import { DROP_REASONS, type DropReason, type MgEvent } from './types.js';

export function zeroDrops(): Record<DropReason, number> {
  const z = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) z[r] = 0;
  return z;
}

/** The report of unreported drops, or null when there is none. */
export function dropReportEvent(counts: Record<DropReason, number>, id: string, ts: number): MgEvent | null {
  const attrs: Record<string, number> = {};
  let total = 0;
  for (const r of DROP_REASONS) {
    if (counts[r] > 0 && r !== 'consent') {
      attrs['dropped_' + r] = counts[r];
      total += counts[r];
    }
  }
  return total
    ? { id, ts, type: 'log', level: 'warn', category: 'system', logger: 'mgops.sdk', message: `sdk dropped ${total} events`, attrs }
    : null;
}
