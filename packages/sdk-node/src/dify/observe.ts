/**
 * What one Dify call looked like — times, Dify's own elapsed time, tokens, status, error code —
 * gathered from the response as it streams past, without keeping inputs or outputs.
 */
import type { Recorder } from '../recorder.js';
import { safeText } from '../privacy.js';
import { SseParser, toDifyEvent, type DifyStreamEvent } from './sse.js';

const CONTENT_EVENTS = new Set(['text_chunk', 'message', 'agent_message']);
const MAX_BLOCKING_BODY = 1_048_576;

export class DifyCall {
  readonly t0 = performance.now();
  readonly startWall = Date.now();
  mode: 'blocking' | 'streaming' = 'blocking';
  ttfb: number | undefined;
  firstChunk: number | undefined;
  difyElapsed: number | undefined;
  tokens: number | undefined;
  status: string | undefined;
  httpStatus: number | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  timeout = false;
  failed = false;
  private done = false;
  private readonly sse = new SseParser();
  private readonly decoder = new TextDecoder();
  private body = '';

  constructor(
    private readonly rec: Recorder,
    readonly workflow: string,
    readonly endpoint: string,
  ) {}

  headers(status: number, contentType: string | null): void {
    this.ttfb = performance.now() - this.t0;
    this.httpStatus = status;
    if (contentType?.includes('text/event-stream')) this.mode = 'streaming';
  }

  /** One chunk of a successful body. */
  chunk(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes, { stream: true });
    if (this.mode === 'streaming') {
      for (const m of this.sse.feed(text)) this.streamEvent(toDifyEvent(m));
    } else if (this.body.length < MAX_BLOCKING_BODY) {
      this.body += text;
    }
  }

  /** The body ended (or failed with `err`). Emits the event once. */
  finish(err?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.rec.guard(() => {
      if (err !== undefined) this.failure(err);
      else if (this.mode === 'streaming') for (const m of this.sse.end()) this.streamEvent(toDifyEvent(m));
      else this.blockingBody(this.body + this.decoder.decode());
      this.emit();
    });
  }

  /** A non-2xx answer: Dify's `{code, message, status}`. */
  errorBody(text: string): void {
    this.failed = true;
    const e = parse(text);
    if (e && typeof e.code === 'string') this.errorCode = e.code;
    if (e && typeof e.message === 'string') this.errorMessage = e.message;
    if (this.httpStatus === 504 || this.errorCode === 'timeout') this.timeout = true;
  }

  failure(err: unknown): void {
    this.failed = true;
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError') {
      this.timeout = true;
      this.errorCode ??= 'timeout';
    } else if (name === 'AbortError') {
      this.status ??= 'aborted';
      this.errorCode ??= 'aborted';
    } else {
      this.errorCode ??= 'network_error';
      const msg = (err as { message?: unknown } | null)?.message;
      if (typeof msg === 'string') this.errorMessage = msg;
    }
  }

  private streamEvent(ev: DifyStreamEvent | undefined): void {
    if (!ev) return;
    if (this.firstChunk === undefined && CONTENT_EVENTS.has(ev.event)) this.firstChunk = performance.now() - this.t0;
    if (ev.event === 'workflow_finished') this.workflowData(ev.data);
    else if (ev.event === 'message_end') this.usage(ev.metadata);
    else if (ev.event === 'error') {
      this.failed = true;
      if (typeof ev.code === 'string') this.errorCode = ev.code;
      if (typeof ev.message === 'string') this.errorMessage = ev.message;
    }
  }

  private blockingBody(text: string): void {
    const v = parse(text);
    if (!v) return;
    if (v.data && typeof v.data === 'object') this.workflowData(v.data);
    if (v.metadata) this.usage(v.metadata);
  }

  private workflowData(d: unknown): void {
    if (!d || typeof d !== 'object') return;
    const data = d as { status?: unknown; elapsed_time?: unknown; total_tokens?: unknown; error?: unknown };
    if (typeof data.status === 'string') this.status = data.status;
    if (typeof data.elapsed_time === 'number') this.difyElapsed = data.elapsed_time * 1000;
    if (typeof data.total_tokens === 'number') this.tokens = data.total_tokens;
    if (typeof data.error === 'string' && data.error) this.errorMessage = data.error;
  }

  private usage(meta: unknown): void {
    const usage = (meta as { usage?: { total_tokens?: unknown; latency?: unknown } } | null)?.usage;
    if (!usage) return;
    if (typeof usage.total_tokens === 'number') this.tokens = usage.total_tokens;
    if (typeof usage.latency === 'number' && this.difyElapsed === undefined) this.difyElapsed = usage.latency * 1000;
    this.status ??= 'succeeded';
  }

  private emit(): void {
    const httpOk = this.httpStatus !== undefined && this.httpStatus >= 200 && this.httpStatus < 300;
    const statusOk = this.status === undefined || this.status === 'succeeded' || this.status === 'partial-succeeded';
    const ok = httpOk && statusOk && !this.failed && !this.timeout;
    if (!ok && this.status === 'failed') this.errorCode ??= 'workflow_failed';
    this.rec.emit({
      type: 'ai_call',
      ts: this.startWall,
      workflow: this.workflow.slice(0, 256),
      endpoint: this.endpoint,
      mode: this.mode,
      duration: ms(performance.now() - this.t0),
      ok,
      timeout: this.timeout || undefined,
      status: this.status?.slice(0, 32),
      httpStatus: this.httpStatus,
      errorCode: this.errorCode?.slice(0, 128),
      ttfb: this.ttfb === undefined ? undefined : ms(this.ttfb),
      firstChunk: this.firstChunk === undefined ? undefined : ms(this.firstChunk),
      difyElapsed: this.difyElapsed === undefined ? undefined : ms(Math.min(this.difyElapsed, 86_400_000)),
      tokens: this.tokens === undefined ? undefined : Math.max(0, Math.round(this.tokens)),
      attrs: !ok && this.errorMessage ? { errorMessage: safeText(this.errorMessage, 256) } : undefined,
    });
  }
}

function ms(v: number): number {
  return Math.max(0, Math.round(v * 100) / 100);
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
