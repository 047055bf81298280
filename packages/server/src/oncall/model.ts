/**
 * People, roles and 7×24 rotations (SPEC.md §3.3): weekly hand-offs in Asia/Shanghai, layers
 * (a higher layer covers where it has a shift, e.g. a weekday daytime layer over a 24 h layer),
 * overrides (holidays, stand-ins) and swaps. Answers "who is on call at time T".
 */
export const ROLES = [
  'ops_lead',
  'ops_engineer',
  'tech_lead',
  'product_lead',
  'dba',
  'security_engineer',
  'ai_engineer',
  'frontend_developer',
  'mobile_developer',
  'backend_developer',
  'product_manager',
  'operations_lead',
  'management',
] as const;
export type Role = (typeof ROLES)[number];

export type Person = {
  id: string;
  name: string;
  roles: string[];
  /** contact points; a person without one is not paged on that channel */
  mobile?: string;
  email?: string;
  feishuOpenId?: string;
};

/** A shift restriction: only these weekdays (1 = Monday … 7 = Sunday) and hours, Shanghai time. */
export type Restriction = { days?: number[]; from?: string; to?: string };

export type Layer = {
  name: string;
  members: string[];
  /** the first hand-off, epoch ms (e.g. a Monday 10:00 Shanghai) */
  start: number;
  /** hand-off period, default one week */
  handoffMs: number;
  restriction?: Restriction;
};

/** `id` is set on overrides made through the API (YAML overrides have none): they survive a YAML change. */
export type Override = { personId: string; start: number; end: number; note?: string; replaces?: string; id?: string };

export type Rotation = {
  id: string;
  /** the role this rotation answers for: `oncall:<role>` resolves through it */
  role: string;
  /** lowest first; a later layer wins where it has a shift */
  layers: Layer[];
  overrides: Override[];
};

const SHANGHAI = 8 * 3_600_000;
const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export function inRestriction(r: Restriction | undefined, at: number): boolean {
  if (!r) return true;
  const local = new Date(at + SHANGHAI);
  const day = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  if (r.days && !r.days.includes(day)) return false;
  const m = local.getUTCHours() * 60 + local.getUTCMinutes();
  const from = r.from ? minutes(r.from) : 0;
  const to = r.to ? minutes(r.to) : 24 * 60;
  return from <= to ? m >= from && m < to : m >= from || m < to; // overnight ranges wrap
}

/** The member of a layer on shift at `at`, if the layer covers that time. */
export function layerOnCall(layer: Layer, at: number): string | undefined {
  if (layer.members.length === 0 || at < layer.start || !inRestriction(layer.restriction, at)) return undefined;
  const turn = Math.floor((at - layer.start) / layer.handoffMs);
  return layer.members[turn % layer.members.length];
}

/**
 * Who is on call for the rotation at `at`: an override (the one that started last wins, so a
 * day's cover inside a swapped week applies), else the highest layer covering that time.
 */
export function onCallAt(rotation: Rotation, at: number): string | undefined {
  let override: Override | undefined;
  for (const o of rotation.overrides) if (o.start <= at && at < o.end && (!override || o.start >= override.start)) override = o;
  if (override) return override.personId;
  for (let i = rotation.layers.length - 1; i >= 0; i--) {
    const layer = rotation.layers[i];
    const who = layer ? layerOnCall(layer, at) : undefined;
    if (who !== undefined) return who;
  }
  return undefined;
}

/** The next hand-off after `at` on the rotation's base layer (for "on call until …"). */
export function nextHandoff(rotation: Rotation, at: number): number | undefined {
  const base = rotation.layers[0];
  if (!base) return undefined;
  if (at < base.start) return base.start;
  return base.start + (Math.floor((at - base.start) / base.handoffMs) + 1) * base.handoffMs;
}

/**
 * A swap: `a` covers `b`'s shift [bStart, bEnd) and `b` covers `a`'s shift [aStart, aEnd),
 * expressed as two overrides so the layers stay untouched.
 */
export function swapOverrides(a: string, aShift: [number, number], b: string, bShift: [number, number]): Override[] {
  return [
    { personId: a, start: bShift[0], end: bShift[1], replaces: b, note: 'swap' },
    { personId: b, start: aShift[0], end: aShift[1], replaces: a, note: 'swap' },
  ];
}
