/**
 * Local HTTP servers on 127.0.0.1 (port 0) for the simulation: the app's own backend, with
 * scripted answers per path, and a collector stand-in that checks every envelope and event with
 * the protocol's own `checkEnvelope`/`checkEvent`, keeps events by id (a repeated id counts as a
 * duplicate, as the real collector does), answers like the real one, and can be told to fail.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { checkEnvelope, checkEvent, type MgEvent } from '@mgops/protocol';

type Dict = Record<string, unknown>;

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** never answer */
  hang?: boolean;
  /** close the connection without an answer */
  drop?: boolean;
  /** (collector) store the events, then close the connection without an answer */
  commit?: boolean;
}

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Backend {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

function listen(handler: (req: Received, res: http.ServerResponse) => void, gate?: (res: http.ServerResponse) => boolean): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    if (gate && !gate(res)) return;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) }, res));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    }),
  );
}

/** Requests the local servers hold unanswered on purpose (the clock does not wait for them). */
export const hanging = { count: 0 };

function send(res: http.ServerResponse, r: Reply): void {
  if (r.hang) {
    hanging.count++;
    res.on('close', () => hanging.count--);
    return;
  }
  if (r.drop || r.commit) return void res.socket?.destroy();
  const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  res.writeHead(r.status ?? 200, { 'content-type': typeof r.body === 'string' ? 'text/plain' : 'application/json', ...r.headers });
  res.end(body);
}

/** The app's backend: `routes` maps a path (without query) to an answer. */
export async function startBackend(routes: Record<string, Reply | ((req: Received) => Reply)>): Promise<Backend> {
  const requests: Received[] = [];
  const s = await listen((req, res) => {
    requests.push(req);
    const path = req.url.split('?')[0] ?? '/';
    // exact path, else the longest route that is a prefix of it (/api/mood serves /api/mood/42)
    const key = Object.keys(routes)
      .filter((k) => path === k || path.startsWith(k + '/'))
      .sort((a, b) => b.length - a.length)[0];
    const r = key === undefined ? undefined : routes[key];
    send(res, r === undefined ? { status: 404, body: { code: 404 } } : typeof r === 'function' ? r(req) : r);
  });
  return { url: s.url, requests, close: s.close };
}

export interface Batch {
  envelope: Dict & { events: MgEvent[] };
  headers: http.IncomingHttpHeaders;
  gzip: boolean;
}

export interface Collector {
  url: string;
  /** accepted events, first copy of each id */
  events: Map<string, MgEvent>;
  batches: Batch[];
  duplicates: number;
  /** envelope or event problems found (must stay empty) */
  problems: string[];
  /** answers to use for the next requests, in order (then 200) */
  script: Reply[];
  /** added to every 200 answer */
  config?: { enabled: boolean; sampling?: Record<string, number> };
  /** refuse connections (collector down) */
  down: boolean;
  /** requests received, including failed ones */
  requests: number;
  /** requests received while another was still unanswered, at most */
  maxConcurrent: number;
  byType(type: MgEvent['type']): MgEvent[];
  close(): Promise<void>;
}

export async function startCollector(key = 'mgk_test'): Promise<Collector> {
  const c = { events: new Map(), batches: [], duplicates: 0, problems: [], script: [], down: false, requests: 0, maxConcurrent: 0 } as unknown as Collector;
  let open = 0;
  const s = await listen((req, res) => {
    c.requests++;
    open++;
    c.maxConcurrent = Math.max(c.maxConcurrent, open);
    res.on('close', () => open--);
    if (req.method !== 'POST' || req.url !== '/api/v1/events') return send(res, { status: 404, body: { code: 'NOT_FOUND', message: req.url } });
    if (req.headers['x-mgops-key'] !== key) return send(res, { status: 401, body: { code: 'BAD_KEY', message: 'unknown ingest key', field: 'x-mgops-key' } });
    const next = c.script.shift();
    if (next && !next.commit) return send(res, next);
    const gzip = req.headers['content-encoding'] === 'gzip';
    let envelope: Batch['envelope'];
    try {
      envelope = JSON.parse((gzip ? gunzipSync(req.body) : req.body).toString('utf8')) as Batch['envelope'];
    } catch {
      c.problems.push('body is not JSON');
      return send(res, { status: 400, body: { code: 'BAD_JSON', message: 'not JSON', field: '/' } });
    }
    const bad = checkEnvelope(envelope);
    if (bad) {
      c.problems.push(`envelope ${bad.field}: ${bad.message}`);
      return send(res, { status: 400, body: { code: 'BAD_ENVELOPE', message: bad.message, field: bad.field } });
    }
    c.batches.push({ envelope, headers: req.headers, gzip });
    const rejected: Array<{ index: number; field: string; message: string }> = [];
    let accepted = 0;
    let duplicates = 0;
    envelope.events.forEach((e, index) => {
      const err = checkEvent(e);
      if (err) {
        c.problems.push(`${(e as { type?: string }).type} ${err.field}: ${err.message}`);
        rejected.push({ index, ...err });
      } else if (c.events.has(e.id)) duplicates++;
      else {
        c.events.set(e.id, e);
        accepted++;
      }
    });
    c.duplicates += duplicates;
    if (next) return send(res, next);
    send(res, { status: 200, body: { accepted, duplicates, rejected, ...(c.config ? { config: c.config } : {}) } });
  }, (res) => {
    if (!c.down) return true;
    res.socket?.destroy();
    return false;
  });
  c.url = s.url;
  c.close = s.close;
  c.byType = (type) => [...c.events.values()].filter((e) => e.type === type);
  return c;
}
