/**
 * Storage gauges where the client exposes them: PostgreSQL and MySQL/MariaDB database and largest
 * table sizes (bytes), CloudBase collection sizes (documents, via `count()`). Each returns a
 * `GaugeSource` for the resource sampler.
 */
import type { EventInput } from '../sink.js';

type ResourceEvent = Extract<EventInput, { type: 'resource' }>;

export interface StorageOptions {
  /** the store's capacity in bytes: makes `storage_usage` (used / capacity) computable */
  capacityBytes?: number;
  /** how many of the largest tables to report (default 10) */
  tables?: number;
}

type Row = Record<string, unknown>;
interface Queryable {
  query(sql: string): Promise<unknown>;
}

async function rows(pool: Queryable, sql: string): Promise<Row[]> {
  const res = await pool.query(sql);
  if (Array.isArray(res)) return Array.isArray(res[0]) ? (res[0] as Row[]) : (res as Row[]); // mysql2/promise: [rows, fields]
  return ((res as { rows?: Row[] }).rows ?? []) as Row[];
}

/** PostgreSQL (`pg.Pool`): database size and the largest tables. */
export function pgStorage(pool: Queryable, o: StorageOptions = {}) {
  return async (): Promise<ResourceEvent[]> => {
    const [db] = await rows(pool, 'SELECT current_database() AS name, pg_database_size(current_database())::bigint AS bytes');
    if (!db) return [];
    const name = String(db.name);
    const tables = await rows(
      pool,
      `SELECT relname AS name, pg_total_relation_size(relid)::bigint AS bytes, n_live_tup::bigint AS rows FROM pg_stat_user_tables ORDER BY 2 DESC LIMIT ${Math.max(0, Math.floor(o.tables ?? 10))}`,
    );
    return [
      { type: 'resource', resource: 'storage', value: Number(db.bytes), capacity: o.capacityBytes, unit: 'bytes', target: `pg:${name}`.slice(0, 128) },
      ...tables.map((t): ResourceEvent => ({ type: 'resource', resource: 'storage', value: Number(t.bytes), unit: 'bytes', target: `pg:${name}.${String(t.name)}`.slice(0, 128), attrs: { rows: Number(t.rows) } })),
    ];
  };
}

/** MySQL / MariaDB (`mysql2/promise` pool): schema size and the largest tables. */
export function mysqlStorage(pool: Queryable, o: StorageOptions = {}) {
  return async (): Promise<ResourceEvent[]> => {
    const tables = await rows(
      pool,
      `SELECT table_schema AS db, table_name AS name, (data_length + index_length) AS bytes, table_rows AS rows_ FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 3 DESC`,
    );
    const [cur] = await rows(pool, 'SELECT DATABASE() AS db');
    const name = String(cur?.db ?? 'mysql');
    const total = tables.reduce((n, t) => n + Number(t.bytes ?? 0), 0);
    return [
      { type: 'resource', resource: 'storage', value: total, capacity: o.capacityBytes, unit: 'bytes', target: `mysql:${name}`.slice(0, 128) },
      ...tables.slice(0, o.tables ?? 10).map((t): ResourceEvent => ({ type: 'resource', resource: 'storage', value: Number(t.bytes ?? 0), unit: 'bytes', target: `mysql:${name}.${String(t.name)}`.slice(0, 128), attrs: { rows: Number(t.rows_ ?? 0) } })),
    ];
  };
}

interface CloudbaseDbLike {
  collection(name: string): { count(): Promise<{ total?: unknown }> };
}

/** CloudBase: document count of each named collection (the client exposes no byte sizes). */
export function cloudbaseCollectionSizes(db: CloudbaseDbLike, collections: string[]) {
  return async (): Promise<ResourceEvent[]> => {
    const out: ResourceEvent[] = [];
    for (const name of collections) {
      const r = await db.collection(name).count();
      if (typeof r.total === 'number') out.push({ type: 'resource', resource: 'storage', value: r.total, unit: 'docs', target: `cloudbase:${name}`.slice(0, 128) });
    }
    return out;
  };
}
