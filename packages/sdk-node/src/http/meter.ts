/**
 * Server-side API measurement shared by every framework adapter: one `api_request` event per
 * request (route template, method, status, duration, sizes, masked source — never payloads), and
 * abnormal-request signals: bursts of 4xx answers from one source and oversized request bodies,
 * each reported once per window as a security `log` event.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { urlTemplate } from '@mgops/protocol/mask';
import { recorderOf, type WithRecorder } from '../global.js';
import { maskSource } from '../privacy.js';

export interface HttpMonitorOptions extends WithRecorder {
  /** request bodies larger than this are flagged as oversized (default 1 MiB) */
  maxRequestBytes?: number;
  /** this many 4xx answers to one source within `burstWindowMs` is a burst (default 20) */
  burstThreshold?: number;
  burstWindowMs?: number;
  /** take the client address from the first `x-forwarded-for` hop (default false) */
  trustProxy?: boolean;
  /** requests to skip (health checks), by route template */
  ignore?: (route: string) => boolean;
}

export interface RequestSample {
  route: string;
  method: string;
  status: number;
  duration: number;
  startWall: number;
  reqBytes?: number;
  resBytes?: number;
  addr?: string;
  aborted?: boolean;
}

interface Window {
  start: number;
  count: number;
}

const MAX_SOURCES = 10_000;

export class HttpMeter {
  private readonly maxBytes: number;
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly windows = new Map<string, Window>();

  constructor(readonly options: HttpMonitorOptions = {}) {
    this.maxBytes = positive(options.maxRequestBytes, 1_048_576);
    this.threshold = positive(options.burstThreshold, 20);
    this.windowMs = positive(options.burstWindowMs, 60_000);
  }

  record(s: RequestSample): void {
    const rec = recorderOf(this.options);
    rec.guard(() => {
      if (this.options.ignore?.(s.route)) return;
      const source = maskSource(s.addr);
      const oversized = s.reqBytes !== undefined && s.reqBytes > this.maxBytes;
      let attrs: Record<string, boolean> | undefined;
      if (oversized) (attrs ??= {}).oversized = true;
      if (s.aborted) (attrs ??= {}).aborted = true;
      rec.emit({
        type: 'api_request',
        ts: s.startWall,
        side: 'server',
        api: 'http',
        route: s.route.slice(0, 256),
        method: s.method.slice(0, 16),
        status: s.status,
        duration: Math.round(s.duration * 100) / 100,
        ok: s.status < 500 && s.status > 0,
        reqBytes: s.reqBytes,
        resBytes: s.resBytes,
        source,
        attrs,
      });
      if (oversized) this.signal('oversized_payload', source, { route: s.route.slice(0, 256), bytes: s.reqBytes ?? 0, limit: this.maxBytes });
      if (s.status >= 400 && s.status < 500) this.count4xx(source ?? 'unknown', s.startWall);
    });
  }

  private count4xx(source: string, now: number): void {
    let w = this.windows.get(source);
    if (!w || now - w.start > this.windowMs) {
      if (!w && this.windows.size >= MAX_SOURCES) this.windows.clear();
      w = { start: now, count: 0 };
      this.windows.set(source, w);
    }
    w.count++;
    if (w.count === this.threshold) {
      this.signal('4xx_burst', source, { count: w.count, windowMs: this.windowMs });
    }
  }

  private signal(kind: string, source: string | undefined, extra: Record<string, string | number>): void {
    recorderOf(this.options).emit({
      type: 'log',
      level: 'warn',
      category: 'security',
      logger: 'mgops.http',
      message: kind === '4xx_burst' ? `burst of 4xx answers from ${source ?? 'unknown'}` : `oversized request body from ${source ?? 'unknown'}`,
      attrs: { signal: kind, source: source ?? 'unknown', ...extra },
    });
  }
}

function positive(v: number | undefined, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : dflt;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function bytesOf(chunk: unknown, encoding?: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

/**
 * Measures one request on the raw Node objects; `routeOf` is asked for the route template once the
 * response is over (frameworks know the matched route only after routing).
 */
export function track(
  meter: HttpMeter,
  req: IncomingMessage,
  res: ServerResponse,
  routeOf: () => string | undefined,
): void {
  const started = performance.now();
  const startWall = Date.now();
  let resBytes = 0;
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    resBytes += bytesOf(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (chunk !== undefined && typeof chunk !== 'function') resBytes += bytesOf(chunk, rest[0]);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof res.end;
  res.once('close', () => {
    let route: string | undefined;
    try {
      route = routeOf();
    } catch {
      route = undefined;
    }
    const len = header(req, 'content-length');
    const fwd = meter.options.trustProxy ? header(req, 'x-forwarded-for') : undefined;
    const declared = Number(res.getHeader('content-length'));
    meter.record({
      route: route ?? urlTemplate(req.url ?? '/'),
      method: req.method ?? 'GET',
      status: res.statusCode,
      duration: performance.now() - started,
      startWall,
      reqBytes: len !== undefined && /^\d+$/.test(len) ? Number(len) : undefined,
      resBytes: Number.isFinite(declared) && declared > 0 ? declared : resBytes,
      addr: fwd ? fwd.split(',')[0]?.trim() : req.socket?.remoteAddress,
      aborted: !res.writableFinished || undefined,
    });
  });
}
