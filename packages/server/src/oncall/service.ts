/**
 * The directory as the server lives with it: loaded from the store (seeded from YAML), edited
 * through the API one change at a time, each change committed with its audit entry, then swapped
 * into the live `Directory`, so the next page resolves people from the edited directory.
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from '../util/errors.js';
import { Directory } from './directory.js';
import * as input from './input.js';
import { maskPerson } from './mask.js';
import { swapOverrides, type Override, type Person, type Rotation } from './model.js';
import type { AuditEntry, AuditInput, DirectoryChange, DirectoryStore } from './ports.js';
import { seedChange, type Seed } from './seed.js';
import { rotationView } from './view.js';

type Log = { warn: (o: object, m: string) => void };

export class DirectoryService {
  private people: Map<string, Person>;
  private rotations: Map<string, Rotation>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: DirectoryStore,
    readonly directory: Directory,
    private readonly now: () => number,
  ) {
    this.people = new Map(directory.people.map((p) => [p.id, p]));
    this.rotations = new Map(directory.rotations.map((r) => [r.id, r]));
  }

  /** Loads the stored directory, applying the YAML where it changed since it was last applied. */
  static async open(store: DirectoryStore, yaml: Seed, now: () => number, log?: Log): Promise<DirectoryService> {
    let snap = await store.snapshot();
    const change = seedChange(snap, yaml, now());
    if (change) {
      await store.commit(change);
      for (const e of change.audit) if (e.note) log?.warn({ target: e.target }, 'the YAML replaced an entry edited through the API (the edited version is in the audit log)');
      snap = await store.snapshot();
    }
    const order = <T extends { id: string }>(xs: T[], first: T[]): T[] => [...first.flatMap((f) => xs.filter((x) => x.id === f.id)), ...xs.filter((x) => !first.some((f) => f.id === x.id))];
    return new DirectoryService(store, new Directory(order(snap.people, yaml.people), order(snap.rotations, yaml.rotations)), now);
  }

  listPeople(): Person[] {
    return [...this.people.values()];
  }
  listRotations(): Rotation[] {
    return [...this.rotations.values()];
  }
  listAudit(q: { since?: number; limit: number }): Promise<AuditEntry[]> {
    return this.store.list(q);
  }
  /** Audits a change made elsewhere (silences, acknowledgements). */
  record(entry: Omit<AuditInput, 'at'>): Promise<void> {
    return this.exclusive(() => this.store.append([{ ...entry, at: this.now() }]));
  }

  private known(): input.Known {
    return { people: new Set(this.people.keys()), roles: input.knownRoles(this.listPeople(), this.listRotations()) };
  }
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
  private async apply(change: Omit<DirectoryChange, 'audit'>, actor: string, action: string, target: string, before: unknown, after: unknown): Promise<void> {
    await this.store.commit({ ...change, audit: [{ at: this.now(), actor, action, target, before, after }] });
    for (const p of change.putPeople ?? []) this.people.set(p.id, p);
    for (const id of change.deletePeople ?? []) this.people.delete(id);
    for (const r of change.putRotations ?? []) this.rotations.set(r.id, r);
    for (const id of change.deleteRotations ?? []) this.rotations.delete(id);
    this.directory.replace(this.listPeople(), this.listRotations());
  }
  private rotation(id: string): Rotation {
    const r = this.rotations.get(id);
    if (!r) throw new ApiError('NOT_FOUND', `no rotation ${id}`, 'id');
    return r;
  }

  createPerson(body: unknown, actor: string): Promise<Person> {
    return this.exclusive(async () => {
      const p = input.person(body, this.known());
      if (this.people.has(p.id)) throw new ApiError('CONFLICT', `person ${p.id} exists (use PUT to change it)`, 'id');
      await this.apply({ putPeople: [p] }, actor, 'person.create', `person:${p.id}`, null, maskPerson(p));
      return p;
    });
  }

  updatePerson(id: string, body: unknown, actor: string): Promise<Person> {
    return this.exclusive(async () => {
      const before = this.people.get(id);
      if (!before) throw new ApiError('NOT_FOUND', `no person ${id}`, 'id');
      const p = input.person(body, this.known(), before);
      await this.apply({ putPeople: [p] }, actor, 'person.update', `person:${id}`, maskPerson(before), maskPerson(p));
      return p;
    });
  }

  deletePerson(id: string, actor: string): Promise<void> {
    return this.exclusive(async () => {
      const before = this.people.get(id);
      if (!before) throw new ApiError('NOT_FOUND', `no person ${id}`, 'id');
      const uses = this.listRotations().filter((r) => r.layers.some((l) => l.members.includes(id)) || r.overrides.some((o) => o.personId === id && o.end > this.now()));
      if (uses.length > 0) throw new ApiError('CONFLICT', `${id} is still on rotation ${uses.map((r) => r.id).join(', ')}: take them off first`, 'id');
      await this.apply({ deletePeople: [id] }, actor, 'person.delete', `person:${id}`, maskPerson(before), null);
    });
  }

  createRotation(body: unknown, actor: string): Promise<Rotation> {
    return this.exclusive(async () => {
      const rid = input.id(input.body(body).id);
      if (this.rotations.has(rid)) throw new ApiError('CONFLICT', `rotation ${rid} exists (use PUT to change it)`, 'id');
      const r = input.rotation(body, this.known(), rid, []);
      await this.apply({ putRotations: [r] }, actor, 'rotation.create', `rotation:${rid}`, null, rotationView(r));
      return r;
    });
  }

  /** Replaces a rotation's role and layers; its overrides stay. */
  updateRotation(rid: string, body: unknown, actor: string): Promise<Rotation> {
    return this.exclusive(async () => {
      const before = this.rotation(rid);
      const r = input.rotation(body, this.known(), rid, before.overrides);
      await this.apply({ putRotations: [r] }, actor, 'rotation.update', `rotation:${rid}`, rotationView(before), rotationView(r));
      return r;
    });
  }

  deleteRotation(rid: string, actor: string): Promise<void> {
    return this.exclusive(async () => {
      const before = this.rotation(rid);
      await this.apply({ deleteRotations: [rid] }, actor, 'rotation.delete', `rotation:${rid}`, rotationView(before), null);
    });
  }

  addOverride(rid: string, body: unknown, actor: string): Promise<Override> {
    return this.exclusive(async () => {
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
    return this.exclusive(async () => {
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
    return this.exclusive(async () => {
      const before = this.rotation(rid);
      if (!before.overrides.some((o) => o.id === oid)) throw new ApiError('NOT_FOUND', `rotation ${rid} has no override ${oid} (YAML overrides are edited in YAML)`, 'overrideId');
      const r = { ...before, overrides: before.overrides.filter((o) => o.id !== oid) };
      await this.apply({ putRotations: [r] }, actor, 'override.delete', `rotation:${rid}`, rotationView(before), rotationView(r));
    });
  }
}
