/**
 * YAML seeds the directory; API edits persist. On each start the `people` and `oncall` sections
 * are compared with the YAML last applied (kept in the store): an entity whose YAML did not change
 * keeps its API edits; one whose YAML changed takes the new YAML, and the version it replaces is
 * kept in the audit log (actor `config`, note `replaces an API edit` when it had been edited).
 * Overrides added through the API (they have an id) survive a YAML change of their rotation.
 */
import type { Person, Rotation } from './model.js';
import { maskPerson } from './mask.js';
import type { AuditInput, DirectoryChange, DirectorySnapshot } from './ports.js';
import { rotationView } from './view.js';

export const YAML_KEY = 'yaml.applied';
export type Seed = { people: Person[]; rotations: Rotation[] };

/** JSON with sorted keys, so equal content compares equal whatever the key order. */
export function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${stable(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const byId = <T extends { id: string }>(xs: T[]): Map<string, T> => new Map(xs.map((x) => [x.id, x]));
const fromYaml = (r: Rotation): Rotation => ({ ...r, overrides: r.overrides.filter((o) => o.id === undefined) });
const same = (a: unknown, b: unknown): boolean => stable(a) === stable(b);

/** The change that brings the stored directory up to date with the YAML, or null when the YAML did not change. */
export function seedChange(snap: DirectorySnapshot, yaml: Seed, at: number): DirectoryChange | null {
  const text = stable(yaml);
  const last = snap.meta[YAML_KEY];
  if (last === text) return null;
  const base: Seed = last ? (JSON.parse(last) as Seed) : { people: [], rotations: [] };
  const change: Required<Pick<DirectoryChange, 'putPeople' | 'deletePeople' | 'putRotations' | 'deleteRotations'>> & DirectoryChange = {
    putPeople: [], deletePeople: [], putRotations: [], deleteRotations: [], meta: { [YAML_KEY]: text }, audit: [],
  };
  const audit = (kind: 'person' | 'rotation', id: string, before: unknown, after: unknown, edited: boolean): void => {
    const action = `${kind}.${before === null ? 'create' : after === null ? 'delete' : 'update'}`;
    const entry: AuditInput = { at, actor: 'config', action, target: `${kind}:${id}`, before, after };
    change.audit.push(edited ? { ...entry, note: 'YAML changed: replaces an API edit (kept here as before)' } : entry);
  };
  merge(byId(base.people), byId(yaml.people), byId(snap.people), (id, cur, next, edited) => {
    if (next) change.putPeople.push(next);
    else change.deletePeople.push(id);
    audit('person', id, cur ? maskPerson(cur) : null, next ? maskPerson(next) : null, edited);
  });
  merge(byId(base.rotations), byId(yaml.rotations), byId(snap.rotations), (id, cur, next, edited) => {
    const kept = next ? { ...next, overrides: [...next.overrides, ...(cur?.overrides.filter((o) => o.id !== undefined) ?? [])] } : undefined;
    if (kept) change.putRotations.push(kept);
    else change.deleteRotations.push(id);
    audit('rotation', id, cur ? rotationView(cur) : null, kept ? rotationView(kept) : null, edited);
  }, fromYaml);
  return change;
}

/** Three-way, per id: base = YAML last applied, next = YAML now, cur = the directory as edited. */
function merge<T extends { id: string }>(
  base: Map<string, T>, next: Map<string, T>, cur: Map<string, T>,
  apply: (id: string, cur: T | undefined, next: T | undefined, edited: boolean) => void,
  ownPart: (x: T) => T = (x) => x,
): void {
  for (const id of new Set([...base.keys(), ...next.keys()])) {
    const b = base.get(id);
    const n = next.get(id);
    const c = cur.get(id);
    if (same(b, n)) continue; // the YAML of this entity did not change: its API edits stand
    if (c === undefined && n === undefined) continue;
    if (c !== undefined && n !== undefined && same(ownPart(c), n)) continue;
    apply(id, c, n, c !== undefined && !same(ownPart(c), b === undefined ? undefined : ownPart(b)));
  }
}
