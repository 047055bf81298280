/**
 * The directory's storage port: people and rotations (with their layers, overrides and swaps) as
 * edited through the API or seeded from YAML, a little metadata (the YAML last applied), and an
 * append-only audit log of every change. Implementations: storage/{sqlite,postgres}/directory.ts,
 * and memory.ts for unit tests. A change is committed whole or not at all.
 *
 * Several server processes may share one store (PostgreSQL). Each commit bumps the directory's
 * version in the same transaction, and `watch` tells a process when the stored version moved, so
 * it reloads the directory: no other module reaches into these tables.
 */
import type { Person, Rotation } from './model.js';

/** One audited change. `before`/`after` are masked snapshots (never a full mobile or e-mail). */
export type AuditInput = {
  at: number;
  /** the signed-in user, `config` for YAML, or `anonymous (auth off)` */
  actor: string;
  /** e.g. `person.update`, `override.create`, `silence.expire`, `alert.ack` */
  action: string;
  /** e.g. `person:alice`, `rotation:ops`, `alert:A12` */
  target: string;
  before: unknown;
  after: unknown;
  note?: string;
};
export type AuditEntry = AuditInput & { seq: number };

export type DirectoryChange = {
  putPeople?: Person[];
  deletePeople?: string[];
  putRotations?: Rotation[];
  deleteRotations?: string[];
  meta?: Record<string, string>;
  audit: AuditInput[];
  /** commit only if the stored version is still this one (else `DirectoryConflict`, nothing changed) */
  ifVersion?: number;
};

/** `version`: the stored directory version when the snapshot was read (it may be newer since). */
export type DirectorySnapshot = { people: Person[]; rotations: Rotation[]; meta: Record<string, string>; version: number };

/** A commit with `ifVersion` found a newer directory: someone (another process) changed it first. */
export class DirectoryConflict extends Error {
  constructor(readonly expected: number) {
    super(`the directory changed since version ${expected}`);
  }
}

export type DirectoryWatch = { close(): Promise<void> };
export type WatchOptions = {
  /** the safety net: compare the stored version this often (ms), whatever the engine pushes */
  checkEveryMs: number;
  /** a failed check or a dropped listening connection (a message, never contact data) */
  onError?: (message: string) => void;
};

export interface AuditLog {
  append(entries: AuditInput[]): Promise<void>;
  /** newest first; `since` is a time (ms), inclusive */
  list(q: { since?: number; limit: number }): Promise<AuditEntry[]>;
}

export interface DirectoryStore extends AuditLog {
  snapshot(): Promise<DirectorySnapshot>;
  /** applies the change and appends its audit entries in one transaction; the new version */
  commit(change: DirectoryChange): Promise<number>;
  /** the stored directory version (one small read) */
  version(): Promise<number>;
  /**
   * Calls `onChange(version)` when the directory may have changed elsewhere: on PostgreSQL at
   * once (NOTIFY in the commit's transaction, LISTEN on a dedicated connection; after that
   * connection dropped, once it is back), and on every engine with the stored version read every
   * `checkEveryMs`. The caller compares it with the version it loaded (it may be its own).
   */
  watch(onChange: (version: number) => void, opts: WatchOptions): DirectoryWatch;
  close(): Promise<void>;
}
