/** The directory tables and audit rows as both engines store them: documents and before/after as JSON text, times as integers. */
import type { AuditEntry, AuditInput } from '../oncall/ports.js';

export type AuditRow = { seq: number; at: number; actor: string; action: string; target: string; before: string | null; after: string | null; note: string | null };

export const auditEntry = (r: AuditRow): AuditEntry => ({
  seq: Number(r.seq), at: Number(r.at), actor: r.actor, action: r.action, target: r.target,
  before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after), ...(r.note ? { note: r.note } : {}),
});
export const auditRow = (e: AuditInput) => [e.at, e.actor, e.action, e.target, e.before == null ? null : JSON.stringify(e.before), e.after == null ? null : JSON.stringify(e.after), e.note ?? null];

/** The directory's tables; the engines differ only in the audit sequence and integer types. */
export const directoryTables = (serial: string, int: string): string => `
  CREATE TABLE oncall_people (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
  CREATE TABLE oncall_rotations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
  CREATE TABLE oncall_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE oncall_audit (seq ${serial}, at ${int} NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, before TEXT, after TEXT, note TEXT);
  CREATE INDEX oncall_audit_at ON oncall_audit (at);
`;

/** Migration 2: the directory's version, bumped in the transaction of every commit (one row). */
export const versionTable = (int: string): string => `
  CREATE TABLE oncall_version (id INTEGER PRIMARY KEY, version ${int} NOT NULL);
  INSERT INTO oncall_version (id, version) VALUES (1, 0);
`;
