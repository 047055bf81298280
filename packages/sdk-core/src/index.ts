/**
 * @mgops/sdk-core — the platform-independent SDK core shared by the mini-program and Node SDKs.
 * A platform supplies `makeRequest` (and optionally storage, clock, compressor); see types.ts.
 */
export { createClient } from './client.js';
export { newEventId, isValidEventId } from './id.js';
export { scrubEvent, scrubAttrs, scrubString } from './scrub.js';
export { priorityOf, isSampleable, sampleRate } from './policy.js';
export { backoffDelay, retryAfter, classify } from './transport.js';
export { defaultClock } from './options.js';
export { DROP_REASONS } from './types.js';
export type {
  Client,
  ClientOptions,
  ClientStats,
  Clock,
  Compressor,
  Consent,
  DeviceContext,
  DropReason,
  EventInput,
  EventType,
  IngestResponse,
  MakeRequest,
  MgEvent,
  QueueLimits,
  RetryOptions,
  StoragePort,
  TransportRequest,
  TransportResponse,
} from './types.js';
