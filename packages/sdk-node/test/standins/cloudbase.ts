/**
 * The CloudBase HTTP API as the real `@cloudbase/node-sdk` database client calls it (point the
 * client's `serviceUrl` here): `POST /admin?env=…&seqId=…` with `{action: 'database.*', …}`, a
 * signed `Authorization` header, answers `{requestId, data}` or `{requestId, code, message}`.
 * A small in-memory document store answers get / insert / modify / remove / count / aggregate
 * with equality and comparison operators, limit and offset. Tests can add latency per collection
 * and make the next call fail.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { close, listen, sleep } from '../support.js';

type Doc = Record<string, unknown>;
type Params = Record<string, unknown> & { action?: string; collectionName?: string };

export class CloudbaseStandIn {
  url = '';
  readonly envId = 'mindguard-test-1a2b3c';
  readonly collections = new Map<string, Doc[]>();
  readonly delays = new Map<string, number>();
  readonly received: { action: string; collection?: string; authorized: boolean }[] = [];
  private failure: { code: string; message: string } | { httpStatus: number } | undefined;
  private readonly server: Server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }
  stop(): Promise<void> {
    return close(this.server);
  }
  get serviceUrl(): string {
    return `${this.url}/admin`;
  }
  /** the next database call answers this error code (HTTP 200), or this HTTP status */
  failNext(f: { code: string; message: string } | { httpStatus: number }): void {
    this.failure = f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const requestId = randomUUID();
    const answer = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== 'POST' || !(req.url ?? '').startsWith('/admin')) return answer(404, { code: 'NOT_FOUND', message: 'not found', requestId });
    let p: Params;
    try {
      p = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Params;
    } catch {
      return answer(200, { code: 'INVALID_PARAM', message: 'body must be JSON', requestId });
    }
    const authorized = typeof req.headers.authorization === 'string' && req.headers.authorization.length > 20;
    const action = String(p.action ?? '');
    this.received.push({ action, collection: p.collectionName, authorized, });
    if (!authorized) return answer(200, { code: 'SIGN_PARAM_INVALID', message: 'missing or invalid signature', requestId });
    if (p.envName !== this.envId) return answer(200, { code: 'INVALID_ENV', message: `env ${String(p.envName)} does not exist`, requestId });
    await sleep(this.delays.get(String(p.collectionName)) ?? 0);
    const f = this.failure;
    this.failure = undefined;
    if (f && 'httpStatus' in f) return answer(f.httpStatus, { code: 'SYS_ERR', message: 'internal error', requestId });
    if (f) return answer(200, { ...f, requestId });
    const coll = String(p.collectionName ?? '');
    if (action === 'database.addCollection') {
      if (!this.collections.has(coll)) this.collections.set(coll, []);
      return answer(200, { requestId, data: {} });
    }
    const docs = this.collections.get(coll);
    if (!docs) return answer(200, { code: 'DATABASE_COLLECTION_NOT_EXIST', message: `Db or Table not exist: ${coll}`, requestId });
    const q = parseJson(p.query) as Doc | undefined;
    const matching = docs.filter((d) => matches(d, q));
    switch (action) {
      case 'database.insertDocument': {
        const ids: string[] = [];
        for (const raw of (p.data as unknown[] | undefined) ?? []) {
          const d = parseJson(raw) as Doc;
          const id = typeof d._id === 'string' ? d._id : randomBytes(12).toString('hex');
          docs.push({ ...d, _id: id });
          ids.push(id);
        }
        return answer(200, { requestId, data: { insertedIds: ids } });
      }
      case 'database.getDocument': {
        const offset = Number(p.offset ?? 0);
        const limit = Number(p.limit ?? 100);
        const list = matching.slice(offset, offset + limit).map((d) => JSON.stringify(d));
        return answer(200, { requestId, data: { list }, limit, offset });
      }
      case 'database.calculateDocument':
        return answer(200, { requestId, data: { total: matching.length } });
      case 'database.modifyDocument': {
        const upd = (parseJson(p.data) as Doc | undefined) ?? {};
        const set = (upd.$set as Doc | undefined) ?? upd;
        const targets = p.multi === false ? matching.slice(0, 1) : matching;
        for (const d of targets) Object.assign(d, set);
        return answer(200, { requestId, data: { updated: targets.length, upsert_id: null } });
      }
      case 'database.removeDocument': {
        const targets = p.multi === false ? matching.slice(0, 1) : matching;
        this.collections.set(coll, docs.filter((d) => !targets.includes(d)));
        return answer(200, { requestId, data: { deleted: targets.length } });
      }
      case 'database.aggregateDocuments': {
        let list = docs;
        for (const st of (p.stages as { stageKey: string; stageValue: string }[] | undefined) ?? []) {
          const v = parseJson(st.stageValue);
          if (st.stageKey === '$match') list = list.filter((d) => matches(d, v as Doc));
          else if (st.stageKey === '$limit') list = list.slice(0, Number(v));
          else if (st.stageKey === '$count') list = [{ [String(v)]: list.length }];
        }
        return answer(200, { requestId, data: { list: list.map((d) => JSON.stringify(d)) } });
      }
      default:
        return answer(200, { code: 'INVALID_ACTION', message: `unsupported action ${action}`, requestId });
    }
  }
}

/** Parses EJSON text (relaxed or canonical: `{"$numberInt": "3"}` becomes 3). */
function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v, (_k, x: unknown) => {
      if (x && typeof x === 'object' && !Array.isArray(x)) {
        const o = x as Record<string, unknown>;
        for (const k of ['$numberInt', '$numberDouble', '$numberLong', '$numberDecimal']) if (k in o) return Number(o[k]);
        if ('$date' in o) return o.$date;
      }
      return x;
    }) as unknown;
  } catch {
    return undefined;
  }
}

function matches(d: Doc, q: Doc | undefined): boolean {
  if (!q) return true;
  return Object.entries(q).every(([k, cond]) => {
    const v = d[k];
    if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
      return Object.entries(cond as Doc).every(([op, x]) => {
        const n = v as number;
        const m = x as number;
        switch (op) {
          case '$eq': return v === x;
          case '$neq': case '$ne': return v !== x;
          case '$gt': return n > m;
          case '$gte': return n >= m;
          case '$lt': return n < m;
          case '$lte': return n <= m;
          case '$in': return Array.isArray(x) && x.includes(v);
          default: return false;
        }
      });
    }
    return v === cond;
  });
}
