/**
 * Route descriptions for `GET /api/openapi.json`. Each route states its tag and summary where it
 * is registered (`describe(tag, summary, doc)`); an onRoute hook, installed before any route,
 * collects every route Fastify registers, so one registered without a description is listed
 * without a summary (and fails the OpenAPI test by name). Descriptions only document: the body
 * and query schemas given here are never compiled by Fastify, so no route changes its validation
 * or its error bodies. Security follows auth/roles.ts: the permission a route needs decides which
 * credentials it takes.
 */
import type { FastifyInstance } from 'fastify';
import { openApiDocument, type ExtraPath } from '@mgops/protocol';
import { can, requiredPermission, ROLES, type Permission } from '../auth/roles.js';

type Json = Record<string, unknown>;

/**
 * Who may call a route, when roles.ts does not say: `public`; `ingest` (x-mgops-key);
 * `ackLink` (the signed token in the link); `user` (session or API token, any role);
 * `session` (a session and its CSRF token); `optionalSession` (a session is used when present).
 */
export type Auth = 'public' | 'ingest' | 'ackLink' | 'user' | 'session' | 'optionalSession';

export type RouteDoc = {
  description?: string;
  /** an object schema: each property is one query parameter */
  query?: Json;
  /** the request body's schema */
  body?: Json;
  /** media type of the body (default application/json) */
  consumes?: string;
  /** success status (default 200) */
  status?: number;
  /** media type of the success answer (default application/json) */
  produces?: string;
  /** default: what auth/roles.ts requires for the method and path */
  auth?: Auth;
  /** not an API (the dashboard's static files): described, but left out of the document */
  hide?: boolean;
};

declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    tags?: string[];
  }
  interface FastifyContextConfig {
    openapi?: RouteDoc;
  }
}

/** Route options that describe a route (spread into existing options when it has some). */
export function describe(tag: string, summary: string, doc: RouteDoc = {}) {
  return { schema: { summary, tags: [tag] }, config: { openapi: doc } };
}

/** An object schema from its properties; `required` names the mandatory ones. */
export const object = (properties: Json, required: string[] = [], extra: Json = {}): Json => ({ type: 'object', properties, ...(required.length ? { required } : {}), ...extra });

export const SECURITY_SCHEMES: Json = {
  session: { type: 'apiKey', in: 'cookie', name: 'mgops_session', description: 'Dashboard session, set by POST /api/auth/login (HttpOnly, SameSite=Strict)' },
  csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: 'The csrf value answered by login; required with a session on every request other than GET/HEAD' },
  bearer: { type: 'http', scheme: 'bearer', description: 'API token for automation (mgops tokens create --name N --role R)' },
  ackLink: { type: 'apiKey', in: 'query', name: 't', description: 'Signed, expiring token carried by the acknowledge link in DingTalk and e-mail messages' },
};

const FIXED: Record<Auth, Json[]> = {
  public: [],
  ingest: [{ ingestKey: [] }],
  ackLink: [{ ackLink: [] }],
  user: [{ session: [] }, { bearer: [] }],
  session: [{ session: [], csrf: [] }],
  optionalSession: [{ session: [], csrf: [] }, {}],
};

const error = (description: string): Json => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

type Seen = { method: string; url: string; summary?: string | undefined; tag?: string | undefined; hide: boolean; doc: RouteDoc };

/** What one route needs: its security requirements, and the permission from roles.ts if any. */
function security(method: string, url: string, auth: Auth | undefined): { security: Json[]; permission?: Permission } {
  if (auth) return { security: FIXED[auth] };
  const permission = requiredPermission(method, url);
  if (!permission) return { security: [] };
  const write = method !== 'GET' && method !== 'HEAD';
  return { security: [write ? { session: [], csrf: [] } : { session: [] }, { bearer: [] }], permission };
}

function operation(r: Seen): ExtraPath {
  const path = r.url.replace(/:(\w+)/g, '{$1}').replace(/\*/g, '{wildcard}');
  const method = r.method.toLowerCase();
  const d = r.doc;
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const props = (d.query?.properties ?? {}) as Record<string, Json>;
  const required = (d.query?.required ?? []) as string[];
  const query = Object.entries(props).map(([name, schema]) => ({ name, in: 'query', required: required.includes(name), schema, ...(typeof schema.description === 'string' ? { description: schema.description } : {}) }));
  const { security: sec, permission } = security(r.method, r.url, d.auth);
  const produces = d.produces ?? 'application/json';
  const responses: Json = {
    [String(d.status ?? 200)]: { description: 'Success', content: { [produces]: { schema: produces === 'application/json' ? { type: 'object' } : { type: 'string' } } } },
    '4XX': produces === 'application/json' ? error('Refused: JSON with code, message and the offending field') : { description: 'Refused', content: { [produces]: { schema: { type: 'string' } } } },
  };
  if (sec.length > 0 && !sec.some((s) => Object.keys(s).length === 0)) {
    responses['401'] = error('No valid credentials');
    if (permission) responses['403'] = error(`Missing CSRF token, or a role without '${permission}'`);
  }
  const roles = permission ? ROLES.filter((role) => can(role, permission)) : [];
  const notes = [d.description, permission ? `Needs permission \`${permission}\` (roles: ${roles.join(', ')}).` : undefined].filter(Boolean).join(' ');
  return {
    path,
    method,
    tag: r.tag ?? 'undocumented',
    ...(r.summary ? { summary: r.summary } : {}),
    ...(notes ? { description: notes } : {}),
    operationId: method + path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
    ...(d.body ? { requestBody: { required: true, content: { [d.consumes ?? 'application/json']: { schema: d.body } } } } : {}),
    responses,
    security: sec,
    ...(permission ? { 'x-permission': permission } : {}),
  };
}

/** Collects the routes of an app as they are registered; builds the OpenAPI document from them. */
export class RouteCatalogue {
  private readonly seen: Seen[] = [];
  private doc: Json | undefined;

  /** Install before any route is registered. */
  collect(app: FastifyInstance): void {
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) {
        this.seen.push({ method, url: r.url, summary: r.schema?.summary, tag: r.schema?.tags?.[0], hide: r.config?.openapi?.hide === true, doc: r.config?.openapi ?? {} });
      }
    });
  }

  /** Every route as "METHOD /path" with no summary or no tag (HEAD routes Fastify adds are skipped). */
  undocumented(): string[] {
    return this.routes().filter((r) => !r.summary || !r.tag).map((r) => `${r.method} ${r.url}`);
  }

  /** The OpenAPI document; routes cannot change once the server runs, so it is built once. */
  document(): Json {
    this.doc ??= openApiDocument(this.routes().filter((r) => !r.hide).map(operation), { securitySchemes: SECURITY_SCHEMES });
    return this.doc;
  }

  private routes(): Seen[] {
    const gets = new Set(this.seen.filter((r) => r.method === 'GET').map((r) => r.url));
    return this.seen.filter((r) => !(r.method === 'HEAD' && gets.has(r.url)));
  }
}
