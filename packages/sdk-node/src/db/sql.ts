/**
 * `pg` and `mysql2` pools: every query on every pooled connection is timed (table, operation,
 * literal-free statement shape, rows, errors — never values), and the pool's connections in use
 * against its maximum can be sampled. Connections are wrapped when the pool hands them out
 * (`acquire`), so `pool.query`, `pool.execute` and checked-out clients are all covered, for the
 * callback and the promise APIs alike.
 */
import { recorderOf, type WithRecorder } from '../global.js';
import { recordDb, type DbMonitorOptions } from './meter.js';
import { sqlInfo } from './shape.js';

export interface SqlPoolOptions extends WithRecorder, DbMonitorOptions {}

type Fn = (this: unknown, ...args: unknown[]) => unknown;
interface Emitter {
  on(event: string, listener: (conn: Record<string, unknown>) => void): unknown;
}

const wrapped = new WeakSet<object>();

function textOf(q: unknown): string | undefined {
  if (typeof q === 'string') return q;
  if (q && typeof q === 'object') {
    const t = (q as { text?: unknown; sql?: unknown }).text ?? (q as { sql?: unknown }).sql;
    if (typeof t === 'string') return t;
  }
  return undefined;
}

function rowsOf(res: unknown): number | undefined {
  if (Array.isArray(res)) {
    // mysql2 SELECT: rows array; pg multi-statement: array of results
    if (res.length > 0 && res.every((r) => r && typeof r === 'object' && 'rowCount' in (r as object))) {
      return res.reduce((n: number, r) => n + (rowsOf(r) ?? 0), 0);
    }
    return res.length;
  }
  if (res && typeof res === 'object') {
    const r = res as { rows?: unknown; rowCount?: unknown; affectedRows?: unknown };
    if (Array.isArray(r.rows) && r.rows.length > 0) return r.rows.length;
    if (typeof r.rowCount === 'number') return r.rowCount;
    if (typeof r.affectedRows === 'number') return r.affectedRows;
  }
  return undefined;
}

function measure(o: SqlPoolOptions, text: string | undefined) {
  const t0 = performance.now();
  const startWall = Date.now();
  let done = false;
  return (err: unknown, res?: unknown) => {
    if (done) return;
    done = true;
    const rec = recorderOf(o);
    rec.guard(() => {
      const info = sqlInfo(text ?? '');
      recordDb(rec, o, {
        collection: info.table,
        op: info.op,
        duration: performance.now() - t0,
        startWall,
        ok: !err,
        docs: err ? undefined : rowsOf(res),
        shape: info.shape || undefined,
        error: err,
      });
    });
  };
}

/**
 * Hooks the completion of what a query call returned: a mysql2 command (callback inside, or
 * events), or a promise. mysql2 commands have a `then` that throws, so commands are tested first.
 */
function observe(out: object, finish: (err: unknown, res?: unknown) => void): void {
  const cmd = out as { onResult?: unknown; once?: unknown };
  if (typeof cmd.onResult === 'function') {
    const inner = cmd.onResult as Fn;
    cmd.onResult = function (this: unknown, err: unknown, res: unknown, ...rest: unknown[]) {
      finish(err, res);
      return inner.call(this, err, res, ...rest);
    };
  } else if (out instanceof Promise) {
    out.then(
      (res: unknown) => finish(undefined, res),
      (err: unknown) => finish(err),
    );
  } else if (typeof cmd.once === 'function') {
    (cmd.once as (e: string, l: () => void) => void).call(out, 'end', () => finish(undefined));
  }
}

/** Wraps `query` (pg, mysql2) and `execute` (mysql2) of one connection object, once. */
function wrapConnection(conn: Record<string, unknown>, o: SqlPoolOptions): void {
  if (wrapped.has(conn)) return;
  wrapped.add(conn);
  for (const method of ['query', 'execute']) {
    const orig = conn[method];
    if (typeof orig !== 'function') continue;
    conn[method] = function (this: unknown, ...args: unknown[]) {
      const first = args[0];
      if (first && typeof first === 'object' && typeof (first as { submit?: unknown }).submit === 'function') {
        return (orig as Fn).apply(this, args); // pg submittables (cursors, streams): not measured
      }
      const finish = measure(o, textOf(first));
      const cbAt = args.findIndex((a, i) => i > 0 && typeof a === 'function');
      if (cbAt > 0) {
        const cb = args[cbAt] as Fn;
        args[cbAt] = function (this: unknown, err: unknown, res: unknown, ...rest: unknown[]) {
          finish(err, res);
          return cb.call(this, err, res, ...rest);
        };
      }
      let out: unknown;
      try {
        out = (orig as Fn).apply(this, args);
      } catch (err) {
        finish(err);
        throw err;
      }
      if (cbAt < 0 && out && typeof out === 'object') {
        try {
          observe(out, finish);
        } catch {
          // measuring must never break the query
        }
      }
      return out;
    };
  }
}

/** The callback pool behind a mysql2 promise pool, or the pool itself. */
function corePool(pool: object): Emitter & Record<string, unknown> {
  const inner = (pool as { pool?: unknown }).pool;
  if (inner && typeof inner === 'object' && typeof (inner as { getConnection?: unknown }).getConnection === 'function') {
    return inner as Emitter & Record<string, unknown>;
  }
  return pool as Emitter & Record<string, unknown>;
}

/** Instruments a `pg.Pool`, a `mysql2` pool or a `mysql2/promise` pool. Returns it. */
export function instrumentSqlPool<P extends object>(pool: P, options: SqlPoolOptions = {}): P {
  const core = corePool(pool);
  if (typeof core.on !== 'function') {
    recorderOf(options).fault(new Error('mgops: not a pg or mysql2 pool'));
    return pool;
  }
  core.on('acquire', (conn) => wrapConnection(conn, options));
  return pool;
}

export const instrumentPgPool = instrumentSqlPool;
export const instrumentMysqlPool = instrumentSqlPool;

export interface PoolUsage {
  inUse: number;
  open: number;
  idle: number;
  waiting: number;
  max: number | undefined;
}

/** Connections of a pg or mysql2 pool: in use, open, idle, waiting, configured maximum. */
export function poolUsage(pool: object): PoolUsage | undefined {
  const p = corePool(pool) as Record<string, unknown>;
  if (typeof p.totalCount === 'number' && typeof p.idleCount === 'number') {
    const max = (p.options as { max?: unknown } | undefined)?.max;
    return { inUse: p.totalCount - p.idleCount, open: p.totalCount, idle: p.idleCount, waiting: Number(p.waitingCount ?? 0), max: typeof max === 'number' ? max : undefined };
  }
  const all = p._allConnections as { length?: unknown } | undefined;
  const free = p._freeConnections as { length?: unknown } | undefined;
  if (all && typeof all.length === 'number' && free && typeof free.length === 'number') {
    const queue = p._connectionQueue as { length?: unknown } | undefined;
    const limit = (p.config as { connectionLimit?: unknown } | undefined)?.connectionLimit;
    return { inUse: all.length - free.length, open: all.length, idle: free.length, waiting: Number(queue?.length ?? 0), max: typeof limit === 'number' ? limit : undefined };
  }
  return undefined;
}
