/** What every PostgreSQL store here shares: a pool in one schema, int8 read as numbers, transactions. */
import pg from 'pg';

// BIGINT (int8) values here are times and hashes below 2^53: read them as numbers.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** A pool whose connections resolve unqualified names in `schema` (validated: it is spliced into SQL). */
export function schemaPool(url: string, schema: string, max: number): pg.Pool {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name '${schema}'`);
  return new pg.Pool({ connectionString: url, max, types, options: `-c search_path=${schema}` });
}

/** Runs `fn` in a transaction on one connection: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const r = await fn(c);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/**
 * Brings a capability's own tables in `schema` (alerting, directory) up to date: under the
 * transaction-scoped advisory lock `lock` (several processes may race here), the migrations not
 * yet recorded in `table` run in order, all in one transaction.
 */
export async function applyMigrations(pool: pg.Pool, schema: string, lock: number, table: string, migrations: { version: number; sql: string }[]): Promise<void> {
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [lock]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`);
    const done = new Set((await c.query<{ version: number }>(`SELECT version FROM ${table}`)).rows.map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await c.query(m.sql);
      await c.query(`INSERT INTO ${table} (version, applied_at) VALUES ($1, $2)`, [m.version, Date.now()]);
    }
  });
}
