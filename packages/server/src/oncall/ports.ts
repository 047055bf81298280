/**
 * The directory's storage port: people and rotations (with their layers, overrides and swaps) as
 * edited through the API or seeded from YAML, a little metadata (the YAML last applied), and an
 * append-only audit log of every change. Implementations: storage/{sqlite,postgres}/directory.ts,
 * and memory.ts for unit tests. A change is committed whole or not at all.
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
};

export type DirectorySnapshot = { people: Person[]; rotations: Rotation[]; meta: Record<string, string> };

export interface AuditLog {
  append(entries: AuditInput[]): Promise<void>;
  /** newest first; `since` is a time (ms), inclusive */
  list(q: { since?: number; limit: number }): Promise<AuditEntry[]>;
}

export interface DirectoryStore extends AuditLog {
  snapshot(): Promise<DirectorySnapshot>;
  /** applies the change and appends its audit entries in one transaction */
  commit(change: DirectoryChange): Promise<void>;
  close(): Promise<void>;
}
