/** JSON API client: same-origin cookies, the CSRF token on state-changing requests, typed errors. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** the offending field of a 4xx answer (`layers.0.members`, `a.end`…) */
    readonly field?: string,
  ) {
    super(message);
  }
}

let csrf: string | null = null;
let onUnauthorized: () => void = () => undefined;
export const setCsrf = (v: string | null) => (csrf = v);
export const setUnauthorizedHandler = (f: () => void) => (onUnauthorized = f);

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json ?? {}) as { code?: string; message?: string; field?: string };
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthorized();
    throw new HttpError(res.status, e.code ?? 'HTTP_' + res.status, e.message ?? res.statusText, e.field);
  }
  return json as T;
}

export type Me = { user: string; role: 'admin' | 'ops' | 'developer' | 'viewer'; csrf: string | null; permissions: string[]; authOff?: boolean; mustChange?: boolean };

export type MatrixRow = {
  layer: string; metric: string; id: string; name: string; nameZh: string; unit: string; direction?: 'above' | 'below';
  value: number | null; samples: number; minSamples: number; windowMs: number; warn: number | null; crit: number | null;
  state: 'ok' | 'warning' | 'critical' | 'insufficient' | string; level?: string | null; responder: string; rule?: string;
};

export type Alert = {
  id: string; metricId: string; metricNameZh: string; metricNameEn: string; labels: Record<string, string>; level: 'P0' | 'P1' | 'P2' | 'P3';
  severity: string; status: 'firing' | 'acknowledged' | 'resolved'; value: number | null; threshold?: number; unit?: string; responder: string | null;
  startsAt: number; updatedAt: number; ackDeadline: number; acknowledgedAt?: number; acknowledgedBy?: string; resolvedAt?: number; resolvedBy?: string;
  flapping: boolean; summary?: string;
};
export type TimelineEntry = { alertId: string; at: number; kind: string; detail: Record<string, unknown> };
export type AlertDetail = { alert: Alert; timeline: TimelineEntry[]; deliveries: { channel: string; status: string; attempts: number; reason?: string; lastError: string | null; updatedAt: number }[] };
export type Oncall = { at: number; rotations: { id: string; role: string; onCall: { id: string; name: string } | null; until: number | null }[] };
export type SosPanel = { at: number; open: { id: string; triggeredAt: number; acknowledgedAt: number | null; elapsedMs: number }[]; today: { answered: number; p95Ms: number | null } };
export type SeriesPoint = { t: number; value: number | null; samples?: number };
