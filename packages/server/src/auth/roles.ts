/**
 * Roles and what each may do. A developer sees metrics and alerts and may acknowledge them; ops
 * (the responders and their lead) also silence and edit on-call schedules (rotations, overrides,
 * swaps); only an admin edits channels, people, ingest keys and users, and only an admin lists the users. Permissions are data,
 * checked in one hook.
 */
export const ROLES = ['admin', 'ops', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type Permission = 'read' | 'alerts:act' | 'silences:edit' | 'channels:edit' | 'people:edit' | 'oncall:edit' | 'keys:edit' | 'users:edit';

const GRANTS: Record<Role, Permission[]> = {
  admin: ['read', 'alerts:act', 'silences:edit', 'channels:edit', 'people:edit', 'oncall:edit', 'keys:edit', 'users:edit'],
  ops: ['read', 'alerts:act', 'silences:edit', 'oncall:edit'],
  developer: ['read', 'alerts:act'],
  viewer: ['read'],
};

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
export const can = (role: Role, perm: Permission): boolean => GRANTS[role].includes(perm);
export const permissionsOf = (role: Role): Permission[] => [...GRANTS[role]];

/** The permission a request needs, or null when it is not a protected dashboard request. */
export function requiredPermission(method: string, path: string): Permission | null {
  const write = method !== 'GET' && method !== 'HEAD';
  if (path === '/api/v1/events') return write ? null : 'read';
  const protectedPrefix = ['/api/v1/metrics', '/api/v1/matrix', '/api/v1/sos', '/api/v1/sparklines', '/api/v1/stream', '/api/funnels', '/api/errors', '/api/alerts', '/api/silences', '/api/oncall', '/api/settings', '/api/openapi.json', '/api/demo', '/api/audit'].some(
    (p) => path === p || path.startsWith(p + '/'),
  );
  if (!protectedPrefix) return null;
  // the staff account list (names, roles, last sign-in) is for the admin only, even to read
  if (path === '/api/settings/users' || path.startsWith('/api/settings/users/')) return 'users:edit';
  if (!write) return 'read';
  if (path.startsWith('/api/alerts/')) return 'alerts:act';
  if (path.startsWith('/api/demo/')) return 'alerts:act'; // injecting and removing demo faults
  if (path.startsWith('/api/silences')) return 'silences:edit';
  if (path.startsWith('/api/settings/channels')) return 'channels:edit';
  if (path.startsWith('/api/settings/people')) return 'people:edit';
  if (path.startsWith('/api/settings/oncall')) return 'oncall:edit';
  if (path.startsWith('/api/settings/keys')) return 'keys:edit';
  return 'users:edit';
}
