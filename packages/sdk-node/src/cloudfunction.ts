/**
 * `withMonitoring(handler)` for CloudBase / SCF cloud functions (`exports.main = async (event,
 * context) => …`). Records cold start and init time, execution time against the time limit,
 * success or error, in-flight concurrency, RSS and CPU time, then flushes in `finally` within a
 * small budget: a frozen instance sends nothing later, and whatever could not be sent stays queued
 * for the next invocation of the same instance. The handler's result and thrown error pass through
 * untouched; the wrapper itself never throws.
 */
import { errorInfo } from './privacy.js';
import { recorderOf, type WithRecorder } from './global.js';
import type { Recorder } from './recorder.js';

/** The context CloudBase passes as the second argument. */
export interface CloudFunctionContext {
  request_id?: string;
  function_name?: string;
  function_version?: string;
  namespace?: string;
  memory_limit_in_mb?: number;
  time_limit_in_ms?: number;
  [key: string]: unknown;
}

export type CloudFunctionHandler<E, R> = (event: E, context: CloudFunctionContext) => R | Promise<R>;

export interface MonitoringOptions<E> extends WithRecorder {
  /** longest the wrapper waits for delivery before returning, ms (default 300) */
  flushBudgetMs?: number;
  /** flush at most this often on success; 0 = every invocation (default 0). Errors always flush. */
  flushIntervalMs?: number;
  /** report a time-out this long before `time_limit_in_ms`, plus the flush budget (default 50) */
  timeoutMarginMs?: number;
  /** name when the context has none */
  functionName?: string;
  /** the calling user's raw id (e.g. the OPENID); only its keyed pseudonym is sent */
  userId?: (event: E, context: CloudFunctionContext) => string | undefined;
}

const sdkLoadedAt = performance.now();
let coldPending = true;
let inFlight = 0;

/** Instance state, for tests and diagnostics. */
export function instanceState(): { cold: boolean; inFlight: number; sdkLoadedAtMs: number } {
  return { cold: coldPending, inFlight, sdkLoadedAtMs: sdkLoadedAt };
}

interface Invocation {
  startedAt: number;
  startWall: number;
  cpu: NodeJS.CpuUsage;
  cold: boolean;
  concurrency: number;
  reported: boolean;
  guard: NodeJS.Timeout | undefined;
}

function clampMs(v: number | undefined, dflt: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.min(v, max) : dflt;
}

export function withMonitoring<E, R>(
  handler: CloudFunctionHandler<E, R>,
  options: MonitoringOptions<E> = {},
): (event: E, context: CloudFunctionContext) => Promise<R> {
  const initDuration = performance.now();
  const budget = clampMs(options.flushBudgetMs, 300, 10_000);
  const interval = clampMs(options.flushIntervalMs, 0, 3_600_000);
  const margin = clampMs(options.timeoutMarginMs, 50, 60_000);
  let lastFlushAt = -Infinity;

  function report(rec: Recorder, inv: Invocation, event: E, ctx: CloudFunctionContext, ok: boolean, err: unknown): void {
    inv.reported = true;
    const timeLimit = typeof ctx.time_limit_in_ms === 'number' ? ctx.time_limit_in_ms : undefined;
    const cpu = process.cpuUsage(inv.cpu);
    rec.emit({
      type: 'function_invocation',
      ts: inv.startWall,
      fn: String(ctx.function_name ?? options.functionName ?? 'unknown').slice(0, 256),
      version: ctx.function_version !== undefined ? String(ctx.function_version).slice(0, 64) : undefined,
      requestId: ctx.request_id !== undefined ? String(ctx.request_id).slice(0, 128) : undefined,
      duration: round(performance.now() - inv.startedAt),
      ok,
      cold: inv.cold,
      initDuration: inv.cold ? round(initDuration) : undefined,
      timeLimit,
      concurrency: inv.concurrency,
      memoryMb: Math.round(process.memoryUsage.rss() / 104857.6) / 10,
      cpuMs: round((cpu.user + cpu.system) / 1000),
      error: ok ? undefined : errorInfo(err),
      uid: options.userId ? rec.pseudonym(options.userId(event, ctx)) : undefined,
      attrs: attrsOf(ctx),
    });
  }

  function begin(rec: Recorder, event: E, ctx: CloudFunctionContext): Invocation {
    const inv: Invocation = {
      startedAt: performance.now(),
      startWall: Date.now(),
      cpu: process.cpuUsage(),
      cold: coldPending,
      concurrency: ++inFlight,
      reported: false,
      guard: undefined,
    };
    coldPending = false;
    // what earlier invocations could not send gets one try within this invocation's budget
    rec.resetBackoff();
    const limit = ctx.time_limit_in_ms;
    if (typeof limit === 'number' && limit > 0) {
      inv.guard = setTimeout(() => {
        rec.guard(() => {
          const err = new Error(`invocation about to exceed its time limit of ${limit} ms`);
          err.name = 'FunctionTimeout';
          report(rec, inv, event, ctx, false, err);
        });
        void rec.flush(budget);
      }, Math.max(0, limit - budget - margin));
      inv.guard.unref?.();
    }
    return inv;
  }

  async function end(rec: Recorder, inv: Invocation, event: E, ctx: CloudFunctionContext, ok: boolean, err: unknown): Promise<void> {
    try {
      inFlight = Math.max(0, inFlight - 1);
      clearTimeout(inv.guard);
      if (!inv.reported) report(rec, inv, event, ctx, ok, err);
      const now = performance.now();
      if (!ok || interval === 0 || now - lastFlushAt >= interval) {
        lastFlushAt = now;
        await rec.flush(budget);
      }
    } catch (e) {
      rec.fault(e);
    }
  }

  return async function monitored(this: unknown, event: E, context: CloudFunctionContext): Promise<R> {
    const rec = recorderOf(options);
    const ctx: CloudFunctionContext = context && typeof context === 'object' ? context : {};
    let inv: Invocation | undefined;
    try {
      inv = begin(rec, event, ctx);
    } catch (e) {
      rec.fault(e);
    }
    let ok = true;
    let failure: unknown;
    try {
      return await handler.call(this, event, context);
    } catch (e) {
      ok = false;
      failure = e;
      throw e;
    } finally {
      if (inv) await end(rec, inv, event, ctx, ok, failure);
    }
  };
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms * 100) / 100);
}

function attrsOf(ctx: CloudFunctionContext): Record<string, string | number> | undefined {
  const attrs: Record<string, string | number> = {};
  if (typeof ctx.memory_limit_in_mb === 'number') attrs.memoryLimitMb = ctx.memory_limit_in_mb;
  if (typeof ctx.namespace === 'string') attrs.namespace = ctx.namespace.slice(0, 128);
  return Object.keys(attrs).length > 0 ? attrs : undefined;
}
