/** An in-memory DirectoryStore for unit tests (the real ones live in storage/). */
import type { Person, Rotation } from './model.js';
import { DirectoryConflict, type AuditEntry, type AuditInput, type DirectoryChange, type DirectorySnapshot, type DirectoryStore, type DirectoryWatch, type WatchOptions } from './ports.js';
import { VersionCheck } from './watch.js';

const copy = <T>(x: T): T => structuredClone(x);

export class InMemoryDirectoryStore implements DirectoryStore {
  private readonly people = new Map<string, Person>();
  private readonly rotations = new Map<string, Rotation>();
  private readonly meta = new Map<string, string>();
  private readonly log: AuditEntry[] = [];
  private stored = 0;

  async snapshot(): Promise<DirectorySnapshot> {
    return { people: copy([...this.people.values()]), rotations: copy([...this.rotations.values()]), meta: Object.fromEntries(this.meta), version: this.stored };
  }
  async version(): Promise<number> {
    return this.stored;
  }
  watch(onChange: (version: number) => void, opts: WatchOptions): DirectoryWatch {
    return new VersionCheck(() => this.version(), onChange, opts);
  }
  async commit(c: DirectoryChange): Promise<number> {
    if (c.ifVersion !== undefined && c.ifVersion !== this.stored) throw new DirectoryConflict(c.ifVersion);
    for (const p of c.putPeople ?? []) this.people.set(p.id, copy(p));
    for (const id of c.deletePeople ?? []) this.people.delete(id);
    for (const r of c.putRotations ?? []) this.rotations.set(r.id, copy(r));
    for (const id of c.deleteRotations ?? []) this.rotations.delete(id);
    for (const [k, v] of Object.entries(c.meta ?? {})) this.meta.set(k, v);
    const version = ++this.stored; // before any await: the check and the bump are one step
    await this.append(c.audit);
    return version;
  }
  async append(entries: AuditInput[]): Promise<void> {
    for (const e of entries) this.log.push({ ...copy(e), seq: this.log.length + 1 });
  }
  async list(q: { since?: number; limit: number }): Promise<AuditEntry[]> {
    return copy(this.log.filter((e) => q.since === undefined || e.at >= q.since).reverse().slice(0, q.limit));
  }
  async close(): Promise<void> {}
}
