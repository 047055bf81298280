/**
 * The storage port. SQLite (embedded default) and PostgreSQL implement it side by side; nothing
 * outside `storage/` knows which one runs. All methods are async so a networked engine fits.
 */
import type { DeviceContext, MgEvent } from '@mgops/protocol';
import type { RollupRow } from '../metrics/agg.js';

export type Category = 'business' | 'system' | 'security' | 'exception';

/** An event as stored: masked, user id pseudonymised, `t` = server-corrected event time. */
export type StoredEvent = MgEvent & { t: number };

export type BatchMeta = {
  app: string;
  env: string;
  release?: string;
  sdk: string;
  ctx?: DeviceContext;
  receivedAt: number;
};

/** Entity changes carried by a batch, each tied to the event (by index) that caused it. */
export type EntityOp =
  | { i: number; kind: 'sos'; app: string; sosId: string; action: 'triggered' | 'acknowledged' | 'answered'; t: number; by?: string }
  | { i: number; kind: 'risk_predicted'; app: string; predictionId: string; level: string; model?: string; t: number }
  | { i: number; kind: 'risk_labelled'; app: string; predictionId: string; level: string; t: number }
  | { i: number; kind: 'user_active'; app: string; uid: string; day: number };

export type BatchWrite = BatchMeta & {
  events: StoredEvent[];
  category: Category[];
  /** idempotency key per event: the client timestamp and a 53-bit hash of (app, event id) */
  dedup: { ts: number; h: number }[];
  ops: EntityOp[];
  /** personal data the collector had to mask, by kind (for the data-leak-risk rule; not stored) */
  pii?: Partial<Record<string, number>>;
};

export type CommitResult = { seq: number; fresh: boolean[] };

export type StoredBatch = BatchMeta & { seq: number; category: Category; events: StoredEvent[] };

export type RollupQuery = { series: string[]; dim: string; from: number; to: number };

/**
 * `maxBatches` of a report that must cover its whole range (funnels, error groups): far above what
 * a day brings, so the scan is bounded by the range's start, not by a count.
 */
export const RANGE_SCAN_BATCHES = 1_000_000;

export type EventQuery = {
  from: number;
  to: number;
  types?: string[];
  categories?: Category[];
  app?: string;
  limit: number;
  /**
   * How many stored batches (newest first) the scan may read before it stops: drill-down views
   * keep the engine's default (SQLite 20,000, PostgreSQL 5,000); a report over a whole range
   * (funnels) asks for enough to cover it.
   */
  maxBatches?: number;
  /** only events that failed (`ok: false`): the limit then counts failures, not every call */
  failedOnly?: boolean;
};

export type SosRecord = {
  app: string;
  sosId: string;
  triggeredAt: number;
  acknowledgedAt: number | null;
  answeredAt: number | null;
  by: string | null;
};

export type RiskStats = {
  labelled: number;
  matched: number;
  highLabelled: number;
  highCaught: number;
  byModel: { model: string; labelled: number; matched: number }[];
};

export type KeyRecord = {
  id: string;
  app: string;
  hash: string;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
  note: string | null;
};

export type PruneResult = { batches: number; dedup: number; rollups: number };

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Dedups by key, writes the fresh events and their entity ops, all in one transaction. */
  commit(batches: BatchWrite[]): Promise<CommitResult[]>;
  batchesAfter(seq: number, limit: number): Promise<StoredBatch[]>;
  findEvents(q: EventQuery): Promise<(StoredEvent & { app: string; env: string; release?: string; ctx?: DeviceContext })[]>;

  rollupWatermark(): Promise<number>;
  /** Adds the rows to what is stored (merge) and moves the watermark, atomically. */
  writeRollups(rows: RollupRow[], watermark: number): Promise<void>;
  readRollups(q: RollupQuery): Promise<RollupRow[]>;

  openSos(): Promise<SosRecord[]>;
  sosAnsweredBetween(from: number, to: number): Promise<SosRecord[]>;
  getSos(app: string, sosId: string): Promise<SosRecord | null>;
  riskStats(since: number): Promise<RiskStats>;
  /** users first seen on cohortDay, and how many of them were active on cohortDay + k days */
  retention(cohortDay: number, k: number): Promise<{ cohort: number; retained: number }>;

  insertKey(k: KeyRecord): Promise<void>;
  findKeyByHash(hash: string): Promise<KeyRecord | null>;
  listKeys(): Promise<KeyRecord[]>;
  revokeKey(id: string, at: number): Promise<boolean>;

  getKv(key: string): Promise<string | null>;
  setKv(key: string, value: string): Promise<void>;

  prune(before: Record<Category, number>, dedupBefore: number, rollupsBefore: number): Promise<PruneResult>;
  /** bytes used on disk (or in the database) */
  sizeBytes(): Promise<number>;
}
