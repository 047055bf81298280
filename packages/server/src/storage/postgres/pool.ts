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
