/**
 * Drop accounting. Every event that does not reach the collector is counted under one reason.
 * Totals are in `stats().dropped`; the counts not yet reported are sent, at most once a minute
 * and on every flush, as one `log` event (logger `mgops.sdk`, attrs `dropped_<reason>`). Drops for
 * refused consent are counted but never reported.
 */
import { DROP_REASONS, type DropReason, type MgEvent } from './types.js';

export class DropCounter {
  private total = zero();
  private unreported = zero();

  add(reason: DropReason, n: number): void {
    this.total[reason] += n;
    if (reason !== 'consent') this.unreported[reason] += n;
  }

  pending(): boolean {
    for (const r of DROP_REASONS) if (this.unreported[r] > 0) return true;
    return false;
  }

  takePending(): Record<DropReason, number> {
    const p = this.unreported;
    this.unreported = zero();
    return p;
  }

  totals(): Record<DropReason, number> {
    return { ...this.total };
  }
}

function zero(): Record<DropReason, number> {
  const z = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) z[r] = 0;
  return z;
}

export function dropReportEvent(
  counts: Record<DropReason, number>,
  id: string,
  ts: number,
  sid: string | undefined,
): MgEvent | null {
  const attrs: Record<string, number> = {};
  let total = 0;
  for (const r of DROP_REASONS) {
    if (counts[r] > 0) {
      attrs['dropped_' + r] = counts[r];
      total += counts[r];
    }
  }
  if (total === 0) return null;
  const ev: MgEvent = {
    id,
    ts,
    type: 'log',
    level: 'warn',
    category: 'system',
    logger: 'mgops.sdk',
    message: `sdk dropped ${total} events`,
    attrs,
  };
  if (sid) ev.sid = sid;
  return ev;
}
