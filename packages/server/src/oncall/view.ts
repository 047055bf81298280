/** How rotations are shown in the API and the audit log: local Shanghai times, durations as text. */
import { formatDuration } from '../util/duration.js';
import type { Rotation } from './model.js';
import { shanghaiText } from './time.js';

export function rotationView(r: Rotation) {
  return {
    id: r.id,
    role: r.role,
    layers: r.layers.map((l) => ({ name: l.name, members: [...l.members], start: shanghaiText(l.start), handoff: formatDuration(l.handoffMs), ...(l.restriction ? { restriction: l.restriction } : {}) })),
    overrides: r.overrides.map((o) => ({ id: o.id ?? null, person: o.personId, start: shanghaiText(o.start), end: shanghaiText(o.end), note: o.note ?? '', replaces: o.replaces ?? null })),
  };
}
