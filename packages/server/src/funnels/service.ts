/**
 * Funnel reports for a time range, from the stored `funnel_step` events and the configured flows.
 * Reads the events once (up to a cap, reported as `truncated`), from `timeout` before the range so
 * runs started just before it are followed (and not counted), to `timeout` after it (never past
 * now) so runs started in it are followed to their end.
 */
import { EVENT_CATEGORY } from '@mgops/protocol';
import type { Config } from '../config/schema.js';
import { RANGE_SCAN_BATCHES, type Store } from '../storage/store.js';
import type { Clock } from '../util/clock.js';
import { parseDuration } from '../util/duration.js';
import { deriveFunnel, type FunnelDefinition, type FunnelReport, type FunnelStepEvent } from './derive.js';

export type FunnelSettings = { timeoutMs: number; flows: FunnelDefinition[] };

export type FunnelsAnswer = { from: number; to: number; timeoutMs: number; truncated: boolean; funnels: FunnelReport[] };

/** The most events one report reads; beyond it the oldest are left out and the answer says so. */
export const MAX_FUNNEL_EVENTS = 200_000;

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** The funnel settings of a validated config (none configured: no flows, 30 min timeout). */
export function funnelSettings(config: Config): FunnelSettings {
  const f = config.funnels;
  return {
    timeoutMs: f ? parseDuration(f.timeout) : DEFAULT_TIMEOUT_MS,
    flows: Object.entries(f?.flows ?? {}).map(([name, steps]) => ({ name, steps })),
  };
}

export class FunnelService {
  constructor(
    private readonly store: Store,
    /** read at each report: a plugin (demo mode) may adjust the config after the service exists */
    private readonly settings: () => FunnelSettings,
    private readonly clock: Clock,
    private readonly maxEvents = MAX_FUNNEL_EVENTS,
  ) {}

  async report(from: number, to: number, app?: string): Promise<FunnelsAnswer> {
    const { timeoutMs, flows } = this.settings();
    const now = Math.min(this.clock.now(), to + timeoutMs);
    const found = flows.length === 0 ? [] : await this.store.findEvents({ from: from - timeoutMs, to: now, types: ['funnel_step'], categories: [EVENT_CATEGORY.funnel_step], limit: this.maxEvents, maxBatches: RANGE_SCAN_BATCHES, ...(app ? { app } : {}) });
    const events: FunnelStepEvent[] = [];
    for (const e of found) if (e.type === 'funnel_step') events.push(e);
    return {
      from,
      to,
      timeoutMs,
      truncated: found.length >= this.maxEvents,
      funnels: flows.map((def) => deriveFunnel(def, events, { from, to, now, timeoutMs })),
    };
  }
}
