/**
 * The directory as the server lives with it: loaded from the store (seeded from YAML), edited
 * through the API one change at a time, each change committed with its audit entry, then swapped
 * into the live `Directory`, so the next page resolves people from the edited directory.
 * Several processes may share the store: `follow` reloads the directory whenever the store says
 * its version moved (an edit made through another process), and every edit is committed only on
 * top of the version it was checked against (else it is checked again on the newer directory).
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from '../util/errors.js';
import { Directory } from './directory.js';
import * as input from './input.js';
import { maskPerson } from './mask.js';
import { swapOverrides, type Override, type Person, type Rotation } from './model.js';
import { DirectoryConflict, type AuditEntry, type AuditInput, type DirectoryChange, type DirectorySnapshot, type DirectoryStore, type DirectoryWatch } from './ports.js';
import { seedChange, type Seed } from './seed.js';
import { rotationView } from './view.js';

type Log = { warn: (o: object, m: string) => void; info?: (o: object, m: string) => void };

/** How often a process compares the stored directory version, whatever the engine pushes (ms). */
export const DIRECTORY_CHECK_MS = 5_000;
/** Edits retried on a newer directory before answering 409. */
const EDIT_ATTEMPTS = 3;

const order = <T extends { id: string }>(xs: T[], first: T[]): T[] => [...first.flatMap((f) => xs.filter((x) => x.id === f.id)), ...xs.filter((x) => !first.some((f) => f.id === x.id))];
/** `xs` with `put` replacing (in place) or appended, and `del` removed */
const edited = <T extends { id: string }>(xs: T[], put: T[] = [], del: string[] = []): T[] => {
  const byId = new Map(xs.map((x) => [x.id, x]));
  for (const x of put) byId.set(x.id, x);
  for (const id of del) byId.delete(id);
  return [...byId.values()];
};

/** Runs `attempt` again while it fails with DirectoryConflict, EDIT_ATTEMPTS times in all (then the conflict is thrown). */
async function retryOnConflict<T>(attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof DirectoryConflict) || n >= EDIT_ATTEMPTS) throw e;
    }
  }
}

export class DirectoryService {
  /** the stored version the live directory was read at */
  private version = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: DirectoryWatch | undefined;

  private constructor(
    private readonly store: DirectoryStore,
    readonly directory: Directory,
    private readonly yaml: Seed,
    private readonly now: () => number,
    private readonly log: Log | undefined,
  ) {}

  /** Loads the stored directory, applying the YAML where it changed since it was last applied. */
  static async open(store: DirectoryStore, yaml: Seed, now: () => number, log?: Log): Promise<DirectoryService> {
    let snap = await store.snapshot();
    const seeded = await retryOnConflict(async (attempt) => {
      if (attempt > 1) snap = await store.snapshot(); // another process applied something first: compare again
      const change = seedChange(snap, yaml, now());
      if (change) await store.commit({ ...change, ifVersion: snap.version });
      return change;
    });
    if (seeded) {
      for (const e of seeded.audit) if (e.note) log?.warn({ target: e.target }, 'the YAML replaced an entry edited through the API (the edited version is in the audit log)');
      snap = await store.snapshot();
    }
    const service = new DirectoryService(store, new Directory([], []), yaml, now, log);
    service.load(snap);
    return service;
  }

  private load(snap: DirectorySnapshot): void {
    this.version = snap.version;
    this.directory.replace(order(snap.people, this.yaml.people), order(snap.rotations, this.yaml.rotations));
  }

  /** Reloads from the store when its version is not the one loaded. */
  private async sync(): Promise<void> {
    if ((await this.store.version()) === this.version) return;
    const from = this.version;
    this.load(await this.store.snapshot());
    this.log?.info?.({ from, to: this.version }, 'on-call directory reloaded: changed through another process');
  }

  /**
   * Follows changes made through other processes sharing the store: reloads when the store
   * reports a version other than the one loaded (pushed at once on PostgreSQL, checked every
   * `checkEveryMs` on every engine). `close()` stops it.
   */
  follow(checkEveryMs = DIRECTORY_CHECK_MS): void {
    this.watcher ??= this.store.watch(
      (v) => {
        if (v !== this.version) this.exclusive(() => this.sync()).catch((e: unknown) => this.log?.warn({ err: e instanceof Error ? e.message : String(e) }, 'on-call directory reload failed; the next check tries again'));
      },
      { checkEveryMs, onError: (message) => this.log?.warn({}, message) },
    );
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
    await this.queue;
  }

  listPeople(): Person[] {
    return [...this.directory.people];
  }
  listRotations(): Rotation[] {
    return [...this.directory.rotations];
  }
  listAudit(q: { since?: number; limit: number }): Promise<AuditEntry[]> {
    return this.store.list(q);
  }
  /** Audits a change made elsewhere (silences, acknowledgements). */
  record(entry: Omit<AuditInput, 'at'>): Promise<void> {
    return this.exclusive(() => this.store.append([{ ...entry, at: this.now() }]));
  }

  private known(): input.Known {
    return { people: new Set(this.directory.people.map((p) => p.id)), roles: input.knownRoles(this.directory.people, this.directory.rotations) };
  }
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
  /** An edit: checked against the latest stored directory, and checked again if another process committed first. */
  private edit<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      retryOnConflict(async () => {
        await this.sync();
        return fn();
      }).catch((e: unknown) => {
        throw e instanceof DirectoryConflict ? new ApiError('CONFLICT', 'the directory is being changed elsewhere at the same time: try again', 'id') : e;
      }),
    );
  }
  private async apply(change: Omit<DirectoryChange, 'audit'>, actor: string, action: string, target: string, before: unknown, after: unknown): Promise<void> {
    this.version = await this.store.commit({ ...change, ifVersion: this.version, audit: [{ at: this.now(), actor, action, target, before, after }] });
    const { people, rotations } = this.directory;
    this.directory.replace(edited(people, change.putPeople, change.deletePeople), edited(rotations, change.putRotations, change.deleteRotations));
  }
  private rotation(id: string): Rotation {
    const r = this.directory.rotations.find((x) => x.id === id);
    if (!r) throw new ApiError('NOT_FOUND', `no rotation ${id}`, 'id');
    return r;
  }

  createPerson(body: unknown, actor: string): Promise<Person> {
    return this.edit(async () => {
      const p = input.person(body, this.known());
      if (this.directory.person(p.id)) throw new ApiError('CONFLICT', `person ${p.id} exists (use PUT to change it)`, 'id');
      await this.apply({ putPeople: [p] }, actor, 'person.create', `person:${p.id}`, null, maskPerson(p));
      return p;
    });
  }

  updatePerson(id: string, body: unknown, actor: string): Promise<Person> {
    return this.edit(async () => {
      const before = this.directory.person(id);
      if (!before) throw new ApiError('NOT_FOUND', `no person ${id}`, 'id');
      const p = input.person(body, this.known(), before);
      await this.apply({ putPeople: [p] }, actor, 'person.update', `person:${id}`, maskPerson(before), maskPerson(p));
      return p;
    });
  }

  deletePerson(id: string, actor: string): Promise<void> {
    return this.edit(async () => {
      const before = this.directory.person(id);
      if (!before) throw new ApiError('NOT_FOUND', `no person ${id}`, 'id');
      const uses = this.listRotations().filter((r) => r.layers.some((l) => l.members.includes(id)) || r.overrides.some((o) => o.personId === id && o.end > this.now()));
      if (uses.length > 0) throw new ApiError('CONFLICT', `${id} is still on rotation ${uses.map((r) => r.id).join(', ')}: take them off first`, 'id');
      await this.apply({ deletePeople: [id] }, actor, 'person.delete', `person:${id}`, maskPerson(before), null);
    });
  }

  createRotation(body: unknown, actor: string): Promise<Rotation> {
    return this.edit(async () => {
      const rid = input.id(input.body(body).id);
      if (this.directory.rotations.some((x) => x.id === rid)) throw new ApiError('CONFLICT', `rotation ${rid} exists (use PUT to change it)`, 'id');
      const r = input.rotation(body, this.known(), rid, []);
      await this.apply({ putRotations: [r] }, actor, 'rotation.create', `rotation:${rid}`, null, rotationView(r));
      return r;
    });
  }

  /** Replaces a rotation's role and layers; its overrides stay. */
  updateRotation(rid: string, body: unknown, actor: string): Promise<Rotation> {
    return this.edit(async () => {
      const before = this.rotation(rid);
      const r = input.rotation(body, this.known(), rid, before.overrides);
      await this.apply({ putRotations: [r] }, actor, 'rotation.update', `rotation:${rid}`, rotationView(before), rotationView(r));
      return r;
    });
  }

  deleteRotation(rid: string, actor: string): Promise<void> {
    return this.edit(async () => {
      const before = this.rotation(rid);
      await this.apply({ deleteRotations: [rid] }, actor, 'rotation.delete', `rotation:${rid}`, rotationView(before), null);
    });
  }

  addOverride(rid: string, body: unknown, actor: string): Promise<Override> {
    return this.edit(async () => {
      const before = this.rotation(rid);
      const b = input.body(body, ['person', 'start', 'end', 'note']);
      const s = input.shift(b, this.known());
      const note = input.note(b.note);
      const o: Override = { id: 'o' + randomBytes(5).toString('hex'), ...s, ...(note ? { note } : {}) };
      const r = { ...before, overrides: [...before.overrides, o] };
      await this.apply({ putRotations: [r] }, actor, 'override.create', `rotation:${rid}`, rotationView(before), rotationView(r));
      return o;
    });
  }

  /** A swap: `a` covers `b`'s shift and `b` covers `a`'s, as two overrides. */
  addSwap(rid: string, body: unknown, actor: string): Promise<Override[]> {
    return this.edit(async () => {
      const before = this.rotation(rid);
      const b = input.body(body, ['a', 'b']);
      const a = input.shift(b.a, this.known(), 'a.');
      const c = input.shift(b.b, this.known(), 'b.');
      if (a.personId === c.personId) throw new ApiError('INVALID_FIELD', 'a swap needs two different people', 'b.person');
      const pair = swapOverrides(a.personId, [a.start, a.end], c.personId, [c.start, c.end]).map((o) => ({ ...o, id: 'o' + randomBytes(5).toString('hex') }));
      const r = { ...before, overrides: [...before.overrides, ...pair] };
      await this.apply({ putRotations: [r] }, actor, 'swap.create', `rotation:${rid}`, rotationView(before), rotationView(r));
      return pair;
    });
  }

  deleteOverride(rid: string, oid: string, actor: string): Promise<void> {
    return this.edit(async () => {
      const before = this.rotation(rid);
      if (!before.overrides.some((o) => o.id === oid)) throw new ApiError('NOT_FOUND', `rotation ${rid} has no override ${oid} (YAML overrides are edited in YAML)`, 'overrideId');
      const r = { ...before, overrides: before.overrides.filter((o) => o.id !== oid) };
      await this.apply({ putRotations: [r] }, actor, 'override.delete', `rotation:${rid}`, rotationView(before), rotationView(r));
    });
  }
}
