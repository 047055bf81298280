/**
 * @mgops/sdk-miniprogram — types for the built package (self-contained: no dependency needed).
 * Kept in step with the source by test/types.test.ts: `npm run typecheck` fails when they drift.
 */

/** The protocol's event types. */
export type EventType =
  | 'app_launch' | 'page_load' | 'api_request' | 'function_invocation' | 'db_query' | 'ai_call' | 'js_error' | 'crash'
  | 'memory_warning' | 'page_view' | 'funnel_step' | 'feature_use' | 'slow_set_data' | 'checkin' | 'task' | 'sos'
  | 'risk_predicted' | 'risk_labelled' | 'user_active' | 'auth_failure' | 'access_denied' | 'unauthorised_op'
  | 'sensitive_access' | 'resource' | 'probe' | 'log';

/** An event as the SDK sends it (see the MindGuard Ops protocol for every type's fields). */
export interface MgEvent {
  id: string;
  ts: number;
  type: string;
  sid?: string;
  uid?: string;
  page?: string;
  attrs?: Record<string, string | number | boolean | null>;
  [field: string]: unknown;
}

export type DropReason =
  | 'sampled'
  | 'before_send'
  | 'before_send_error'
  | 'queue_full'
  | 'expired'
  | 'too_large'
  | 'rejected'
  | 'disabled'
  | 'consent'
  | 'invalid'
  | 'sdk_error';

export interface ClientStats {
  captured: number;
  delivered: number;
  duplicates: number;
  queued: number;
  inFlight: number;
  requests: number;
  retries: number;
  dropped: Record<DropReason, number>;
  persistErrors: number;
  internalErrors: number;
  enabled: boolean;
  consent: 'pending' | 'granted' | 'denied';
  backoffUntil: number;
  lastStatus: number;
}

/** A declared `track()` property: a number, a boolean, or one of a closed list of strings. */
export type PropDecl = 'number' | 'boolean' | readonly string[];
export type FeatureDecl = Record<string, Record<string, PropDecl>>;
export type PropsOf<D> = {
  [K in keyof D]?: D[K] extends 'number' ? number : D[K] extends 'boolean' ? boolean : D[K] extends readonly (infer E)[] ? E : never;
};
export type TrackProps<F, K> = string extends keyof F ? Record<string, number | boolean> : K extends keyof F ? PropsOf<F[K]> : Record<string, number | boolean>;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MgOptions<F extends FeatureDecl = FeatureDecl> {
  /** collector base URL (must be in the mini-program's request domain list) */
  endpoint: string;
  /** ingest key (`mgops keys create`) */
  key: string;
  app?: string;
  env?: string;
  release?: string;
  /** wrap App/Page/Component and the wx network APIs (default true) */
  auto?: boolean;
  requireConsent?: boolean;
  respectPrivacySetting?: boolean;
  features?: F;
  codeKeys?: string[];
  okCodes?: Array<string | number>;
  ignoreUrls?: Array<string | RegExp>;
  slowSetDataMs?: number;
  perfWaitMs?: number;
  /** sample rate per event type ('*': every sampleable type), 0..1 (errors, crashes, SOS, business events never) */
  sampling?: Partial<Record<EventType | '*', number>>;
  beforeSend?: (event: MgEvent) => MgEvent | null | undefined;
  batchSize?: number;
  flushIntervalMs?: number;
  queue?: { maxEntries?: number; maxBytes?: number; maxAgeMs?: number };
  retry?: { baseMs?: number; maxMs?: number };
  compress?: (text: string) => Uint8Array | null | Promise<Uint8Array | null>;
  /** the global scope holding wx/App/Page/Component (default: globalThis) */
  global?: object;
  clock?: Clock;
  random?: () => number;
  debug?: boolean;
}

export interface Mg<F extends FeatureDecl = FeatureDecl> {
  readonly version: string;
  init<const G extends FeatureDecl>(options: MgOptions<G>): Mg<G>;
  app<T extends object>(options: T): T;
  page<T extends object>(options: T): T;
  component<T extends object>(options: T): T;
  request(options: Record<string, unknown>): unknown;
  uploadFile(options: Record<string, unknown>): unknown;
  downloadFile(options: Record<string, unknown>): unknown;
  callFunction(options: Record<string, unknown>): unknown;
  callContainer(options: Record<string, unknown>): unknown;
  track<K extends string>(feature: K, props?: TrackProps<F, K>): void;
  captureError(error: unknown): void;
  checkin: { attempt(): void; success(): void; failure(reason?: string): void };
  sos(sosId: string): void;
  /** a step of a funnel; flows and their steps are configured on the platform */
  funnel(name: string, step: string): void;
  setUser(id: string | undefined): boolean;
  breadcrumb(category: string, message: string): void;
  setConsent(granted: boolean): void;
  optOut(): void;
  optIn(): void;
  isOptedOut(): boolean;
  flush(timeoutMs?: number): Promise<boolean>;
  stats(): (ClientStats & { explicitOnly: boolean }) | undefined;
  destroy(): Promise<void>;
}

export declare const mg: Mg;
export default mg;
