/**
 * Public types of the SDK core. The platform (mini-program, Node) supplies one function,
 * `makeRequest`, and optionally a storage port, a clock and a compressor; the core owns the rest.
 */
import type { DeviceContext, EventType, IngestResponse, MgEvent } from '@mgops/protocol';

export type { DeviceContext, EventType, IngestResponse, MgEvent };

/** One HTTP request, as the core asks the platform to perform it. */
export interface TransportRequest {
  url: string;
  /** JSON text, or gzip bytes when `headers['content-encoding']` is `gzip` */
  body: string | Uint8Array;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** The platform's answer. `body` may be text or an already parsed JSON value (wx.request). */
export interface TransportResponse {
  status: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

/**
 * The platform seam: perform one POST. Resolve with any HTTP status; reject (or resolve with
 * status 0) on a network failure or time-out.
 */
export type MakeRequest = (req: TransportRequest) => Promise<TransportResponse>;

/** Synchronous key/value storage (wx.getStorageSync & co, a file, memory). `set` may throw. */
export interface StoragePort {
  get(key: string): string | null | undefined;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** Injectable time source and timers (tests drive a virtual clock). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Gzip the JSON text; may be async. Return null to send uncompressed. */
export type Compressor = (text: string) => Uint8Array | null | Promise<Uint8Array | null>;

/** Why an event never reached the collector. Every drop is counted under one of these. */
export type DropReason =
  | 'sampled' // sampled out (never errors, crashes, SOS, business events)
  | 'before_send' // beforeSend returned null
  | 'before_send_error' // beforeSend threw
  | 'queue_full' // evicted or refused by the bounded queue (entries or bytes)
  | 'expired' // older than queue.maxAgeMs before it could be delivered
  | 'too_large' // a single event larger than a batch may be
  | 'rejected' // the collector refused it (4xx other than 429, or per-event rejection)
  | 'disabled' // remote kill-switch or client disabled
  | 'consent' // consent refused, or the user opted out
  | 'invalid' // not an event the core can send
  | 'sdk_error'; // an internal fault swallowed by the core

export const DROP_REASONS: readonly DropReason[] = [
  'sampled',
  'before_send',
  'before_send_error',
  'queue_full',
  'expired',
  'too_large',
  'rejected',
  'disabled',
  'consent',
  'invalid',
  'sdk_error',
];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a caller captures: an event without `id`/`ts` (the core assigns them). */
export type EventInput = DistributiveOmit<MgEvent, 'id' | 'ts'> & { id?: string; ts?: number };

export type Consent = 'pending' | 'granted' | 'denied';

export interface QueueLimits {
  /** most events kept (default 1000) */
  maxEntries: number;
  /** most bytes of JSON kept (default 512 KiB: half of WeChat's 1 MB per key) */
  maxBytes: number;
  /** oldest event kept, ms (default 3 days) */
  maxAgeMs: number;
}

export interface RetryOptions {
  /** first back-off, ms (default 1000) */
  baseMs: number;
  /** longest back-off, ms (default 300 000) */
  maxMs: number;
}

export interface ClientOptions {
  /** collector base URL, e.g. `https://ops.example.com`; events go to `{endpoint}/api/v1/events` */
  endpoint: string;
  /** ingest key, sent as `x-mgops-key` */
  key: string;
  app: string;
  env: string;
  release?: string;
  sdk: { name: string; version: string };
  /** events per batch (default 50, at most 1000) */
  batchSize?: number;
  /** most bytes per batch body (default 256 KiB) */
  maxBatchBytes?: number;
  /** longest wait before a partial batch is sent, ms (default 5000) */
  flushIntervalMs?: number;
  /** most requests in flight (default 2) */
  maxInFlight?: number;
  /** per-request time-out, ms (default 10 000) */
  requestTimeoutMs?: number;
  queue?: Partial<QueueLimits>;
  retry?: Partial<RetryOptions>;
  /** sample rate per event type ('*': every sampleable type), 0..1 (protected kinds are never sampled out) */
  sampling?: Partial<Record<EventType | '*', number>>;
  /** edit or drop (return null) an event; a throw drops it and is counted */
  beforeSend?: (event: MgEvent) => MgEvent | null | undefined;
  /** persistent queue; memory only without it */
  storage?: StoragePort;
  /** storage key prefix (default `mgops_`) */
  storagePrefix?: string;
  clock?: Clock;
  random?: () => number;
  compress?: Compressor;
  /** bodies smaller than this are never compressed (default 1024) */
  compressMinBytes?: number;
  /** initial consent; 'pending' keeps events in memory, unsent, until granted (default granted) */
  consent?: Consent;
  /** device context sent in every envelope */
  context?: DeviceContext;
  /** diagnostics sink (never called with event contents) */
  log?: (message: string) => void;
  /** interval between drop reports (a `log` event), ms (default 60 000) */
  dropReportIntervalMs?: number;
}

export interface ClientStats {
  captured: number;
  /** events the collector accepted (including duplicates it already had) */
  delivered: number;
  duplicates: number;
  queued: number;
  inFlight: number;
  requests: number;
  retries: number;
  dropped: Record<DropReason, number>;
  /** storage writes that failed (quota); the queue stays in memory */
  persistErrors: number;
  /** faults swallowed by the core */
  internalErrors: number;
  enabled: boolean;
  consent: Consent;
  /** ms epoch until which sending is backed off, 0 when not */
  backoffUntil: number;
  lastStatus: number;
}

export interface Client {
  /** Queue an event; returns its id, or null if it was dropped. Never throws. */
  capture(event: EventInput): string | null;
  /** Send what is queued, within a time budget; true when everything was delivered. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Write the queue to storage now (e.g. when the app goes to the background). */
  persist(): void;
  setUser(uid: string | undefined): void;
  setSession(sid: string | undefined): void;
  setContext(ctx: DeviceContext | undefined): void;
  setConsent(consent: Consent): void;
  /** Local switch (the remote kill-switch is separate and wins). */
  setEnabled(enabled: boolean): void;
  isEnabled(): boolean;
  /** After a network failure, try again now (e.g. the device came back online). */
  resetBackoff(): void;
  /** Count a drop that happened outside the core (e.g. a platform hook fault). */
  recordDrop(reason: DropReason, count?: number): void;
  /** Count an internal fault that was swallowed. */
  recordError(where: string, err?: unknown): void;
  stats(): ClientStats;
  /** Flush within the budget, then stop timers. */
  close(timeoutMs?: number): Promise<boolean>;
}
