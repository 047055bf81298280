/**
 * CloudBase database (`@cloudbase/node-sdk`, and `wx-server-sdk` on top of it): every database
 * call — get, add, update, remove, count, aggregate, transactions — goes through the requester
 * class's `send(api, data, opts)` (`TcbDBApiHttpRequester`, checked against 3.18). `cloud.database()`
 * builds new requesters each time, so the prototype is wrapped, once.
 */
import { recorderOf, type WithRecorder } from '../global.js';
import { safeText } from '../privacy.js';
import { recordDb, type DbMonitorOptions } from './meter.js';
import { docShape, stagesShape } from './shape.js';

export interface CloudbaseDbOptions extends WithRecorder, DbMonitorOptions {}

type Send = (this: unknown, api: string, data?: unknown, opts?: unknown) => unknown;
interface RequesterClass {
  prototype: { send?: Send };
}

const WRAPPED = Symbol.for('mgops.cloudbase.send');
let current: CloudbaseDbOptions = {};

const OPS: Record<string, string> = {
  getDocument: 'get',
  insertDocument: 'add',
  modifyDocument: 'update',
  updateDocument: 'update',
  removeDocument: 'remove',
  deleteDocument: 'remove',
  calculateDocument: 'count',
  aggregateDocuments: 'aggregate',
  modifyAndReturnDoc: 'updateAndReturn',
  getInTransaction: 'get',
  updateDocInTransaction: 'update',
  deleteDocInTransaction: 'remove',
};

/** Instruments the requester behind a `db` from `app.database()` / `cloud.database()`. */
export function instrumentCloudbaseDb<T extends object>(db: T, options: CloudbaseDbOptions = {}): T {
  const cls = (db as { constructor?: { reqClass?: unknown } }).constructor?.reqClass;
  if (!instrumentCloudbaseRequester(cls, options)) {
    recorderOf(options).fault(new Error('mgops: no CloudBase requester class found on this database object'));
  }
  return db;
}

/** Wraps `RequesterClass.prototype.send` (idempotent; later options replace earlier ones). */
export function instrumentCloudbaseRequester(cls: unknown, options: CloudbaseDbOptions = {}): boolean {
  const proto = (cls as RequesterClass | undefined)?.prototype;
  if (!proto || typeof proto.send !== 'function') return false;
  current = options;
  if ((proto.send as { [WRAPPED]?: boolean })[WRAPPED]) return true;
  const orig = proto.send;
  const send: Send = function (this: unknown, api, data, opts) {
    if (typeof api !== 'string' || !api.startsWith('database.')) return orig.call(this, api, data, opts);
    const o = current;
    const t0 = performance.now();
    const startWall = Date.now();
    const done = (ok: boolean, result: unknown, err?: unknown) => record(o, api, data, t0, startWall, ok, result, err);
    let p: unknown;
    try {
      p = orig.call(this, api, data, opts);
    } catch (err) {
      done(false, undefined, err);
      throw err;
    }
    if (p && typeof (p as Promise<unknown>).then === 'function') {
      (p as Promise<unknown>).then(
        (res) => done(true, res),
        (err: unknown) => done(false, undefined, err),
      );
    }
    return p;
  };
  Object.defineProperty(send, WRAPPED, { value: true });
  proto.send = send;
  return true;
}

interface Params {
  collectionName?: unknown;
  query?: unknown;
  stages?: unknown;
  transactionId?: unknown;
}
interface Answer {
  code?: unknown;
  message?: unknown;
  data?: { list?: unknown; insertedIds?: unknown; updated?: unknown; deleted?: unknown };
}

function record(o: CloudbaseDbOptions, api: string, data: unknown, t0: number, startWall: number, sent: boolean, result: unknown, err: unknown): void {
  const rec = recorderOf(o);
  rec.guard(() => {
    const duration = performance.now() - t0;
    const action = api.slice('database.'.length);
    const p = (data ?? {}) as Params;
    const collection = typeof p.collectionName === 'string' ? p.collectionName : p.transactionId !== undefined ? '(transaction)' : '(database)';
    const shape = p.stages !== undefined ? stagesShape(p.stages) : p.query !== undefined ? docShape(p.query) : undefined;
    const a = (result ?? {}) as Answer;
    const coded = sent && a.code !== undefined && a.code !== null && a.code !== '' && a.code !== 0;
    const d = a.data;
    const docs =
      Array.isArray(d?.list) ? d.list.length
      : Array.isArray(d?.insertedIds) ? d.insertedIds.length
      : typeof d?.updated === 'number' ? d.updated
      : typeof d?.deleted === 'number' ? d.deleted
      : undefined;
    recordDb(rec, o, {
      collection,
      op: OPS[action] ?? action,
      duration,
      startWall,
      ok: sent && !coded,
      docs: sent && !coded ? docs : undefined,
      shape,
      error: err,
      errorInfo: coded
        ? { type: 'CloudBaseError', code: typeof a.code === 'number' ? a.code : safeText(String(a.code), 128), message: typeof a.message === 'string' ? safeText(a.message) : undefined }
        : undefined,
    });
  });
}
