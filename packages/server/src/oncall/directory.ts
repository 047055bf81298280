/**
 * Resolves "who to page" specs into people at a time: a role (`ops_lead`), the on-call person of
 * a rotation (`oncall:ops_engineer`), everyone holding a role whether on call or not
 * (`all:ops_engineer`, e.g. the P3 capacity e-mail to all ops engineers), the alert's matrix
 * responder (`responder`), or a person (`person:<id>`). A role with a rotation pages the one on
 * call; without one, everyone in it.
 * One instance lives as long as the server; `replace` swaps in edits made through the API, this
 * process's or another's sharing the store (service.ts `follow`).
 */
import { onCallAt, type Person, type Rotation } from './model.js';

export class Directory {
  private byId = new Map<string, Person>();
  private state: { people: Person[]; rotations: Rotation[] } = { people: [], rotations: [] };
  constructor(people: Person[], rotations: Rotation[]) {
    this.replace(people, rotations);
  }

  get people(): Person[] {
    return this.state.people;
  }
  get rotations(): Rotation[] {
    return this.state.rotations;
  }

  /** Swaps in an edited directory: the next page resolves from it (open alerts keep their frozen chain). */
  replace(people: Person[], rotations: Rotation[]): void {
    this.state = { people, rotations };
    this.byId = new Map(people.map((p) => [p.id, p]));
  }

  person(id: string): Person | undefined {
    return this.byId.get(id);
  }

  withRole(role: string): Person[] {
    return this.people.filter((p) => p.roles.includes(role));
  }

  /** on call for a role at `at` (first rotation for that role that has someone) */
  onCall(role: string, at: number): Person | undefined {
    for (const r of this.rotations.filter((x) => x.role === role)) {
      const id = onCallAt(r, at);
      const p = id !== undefined ? this.byId.get(id) : undefined;
      if (p) return p;
    }
    return undefined;
  }

  /** Resolves specs to distinct people, in order. `responder` is the alert's responder role. */
  resolve(specs: string[], at: number, responder?: string | null): Person[] {
    const out: Person[] = [];
    const add = (p: Person | undefined): void => {
      if (p && !out.some((x) => x.id === p.id)) out.push(p);
    };
    for (const spec of specs) {
      if (spec.startsWith('person:')) add(this.byId.get(spec.slice(7)));
      else if (spec.startsWith('all:')) this.withRole(spec.slice(4)).forEach(add);
      else if (spec.startsWith('oncall:')) {
        const role = spec.slice(7);
        const p = this.onCall(role, at);
        if (p) add(p);
        else this.withRole(role).forEach(add);
      } else {
        const role = spec === 'responder' ? responder : spec;
        if (!role) continue;
        const p = this.rotations.some((r) => r.role === role) ? this.onCall(role, at) : undefined;
        if (p) add(p);
        else this.withRole(role).forEach(add);
      }
    }
    return out;
  }
}

/** Why a "who to page" spec cannot resolve, or null when it is well-formed (see `resolve`). */
export function notifySpecIssue(spec: string, roles: Set<string>, personIds: Set<string>): string | null {
  if (spec === 'responder') return null;
  if (spec.startsWith('person:')) return personIds.has(spec.slice(7)) ? null : `unknown person '${spec.slice(7)}'`;
  const role = spec.startsWith('oncall:') ? spec.slice(7) : spec.startsWith('all:') ? spec.slice(4) : spec;
  return roles.has(role) ? null : `unknown role '${role}' (use a role, oncall:<role>, all:<role>, person:<id> or responder)`;
}
