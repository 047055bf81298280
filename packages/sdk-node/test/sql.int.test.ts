/**
 * The pg wrapper on a real PostgreSQL (127.0.0.1:5432, database `test`) and the mysql2 wrapper on
 * a real MariaDB (127.0.0.1:3306, database `test`), sending to the real collector.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { startCollector, type Collector } from './collector.js';
import { init, instrumentPgPool, instrumentMysqlPool, pgStorage, mysqlStorage, poolUsage, startResourceSampler, type NodeSdk } from '../src/index.js';

let collector: Collector;
let sdk: NodeSdk;
const suffix = randomBytes(4).toString('hex');
const PHONE = '13812345678';

before(async () => {
  collector = await startCollector();
  sdk = init({ endpoint: collector.url, key: collector.key, app: 'mindguard', env: 'staging' });
});
after(async () => {
  await sdk.close(1000);
  await collector.stop();
});

async function pgPool(): Promise<pg.Pool> {
  for (const user of ['postgres', 'root']) {
    const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user, database: 'test', max: 4 });
    try {
      await pool.query('SELECT 1');
      return pool;
    } catch {
      await pool.end();
    }
  }
  throw new Error('PostgreSQL at 127.0.0.1:5432 (user postgres or root, database test) is required');
}

test('pg: pool.query, checked-out clients, callbacks, errors; shapes without values; connections and storage', async () => {
  const table = `mgops_sdk_checkins_${suffix}`;
  const pool = instrumentPgPool(await pgPool(), { database: 'test' });
  try {
    await pool.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, phone text, mood int)`);
    await pool.query(`INSERT INTO ${table} (phone, mood) VALUES ($1, $2), ($3, $4)`, [PHONE, 4, '13900000000', 2]);
    await pool.query(`INSERT INTO ${table} (phone, mood) VALUES ('${PHONE}', 5)`);
    const r = await pool.query(`SELECT id, mood FROM ${table} WHERE mood >= $1`, [4]);
    assert.equal(r.rowCount, 2, 'the real result is untouched');
    const client = await pool.connect();
    let inUseSeen: number | undefined;
    try {
      await client.query('BEGIN');
      const slow = client.query(`SELECT pg_sleep(0.25), count(*) FROM ${table}`);
      inUseSeen = poolUsage(pool)?.inUse;
      await slow;
      await client.query(`UPDATE ${table} SET mood = mood + 1 WHERE phone = $1`, [PHONE]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    assert.equal(inUseSeen, 1);
    const viaCallback = await new Promise<number>((resolve, reject) =>
      pool.query(`DELETE FROM ${table} WHERE mood < 3`, (err, res) => (err ? reject(err) : resolve(res.rowCount ?? -1))),
    );
    assert.equal(viaCallback, 1);
    await assert.rejects(pool.query(`SELECT * FROM ${table}_missing WHERE phone = '${PHONE}'`), (e: unknown) => (e as { code?: string }).code === '42P01');
    const sampler = startResourceSampler({ pools: [{ name: 'pg:test', pool }], gauges: [pgStorage(pool, { capacityBytes: 10 * 1024 ** 3, tables: 3 })] });
    await sampler.sample();
    sampler.stop();
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
  }
  await sdk.flush(3000);
  const evs = (await collector.waitEvents('db_query', 10)).filter((e) => e.collection.startsWith(table));
  const ops = evs.map((e) => e.op);
  for (const op of ['insert', 'select', 'update', 'delete']) assert.ok(ops.includes(op), `${op} recorded: ${ops.join(',')}`);
  const select = evs.find((e) => e.op === 'select' && e.shape?.includes('mood >= ?'));
  assert.equal(select?.docs, 2);
  assert.equal(select?.shape, `SELECT id, mood FROM ${table} WHERE mood >= ?`);
  const sleepy = evs.find((e) => e.shape?.includes('pg_sleep'));
  assert.equal(sleepy?.attrs?.slow, true);
  const failed = evs.find((e) => e.collection === `${table}_missing`);
  assert.equal(failed?.ok, false);
  assert.equal(failed?.error?.code, '42P01');
  assert.ok(!JSON.stringify(evs).includes(PHONE), 'no values, inline or bound');
  const res = await collector.events('resource');
  const conn = res.find((e) => e.resource === 'connections' && e.target === 'pg:test');
  assert.equal(conn?.capacity, 4);
  const storage = res.find((e) => e.resource === 'storage' && e.target === 'pg:test');
  assert.ok((storage?.value ?? 0) > 1_000_000, 'database size in bytes');
  assert.equal(storage?.capacity, 10 * 1024 ** 3);
  const usage = (await collector.metric('storage_usage', { by: 'target' })) as unknown as { values: { filter: { val: string }; value: number | null }[] };
  const pct = usage.values.find((v) => v.filter.val === 'pg:test')?.value ?? -1;
  assert.ok(pct > 0 && pct < 5, `storage_usage ${pct} %`);
});

test('mysql2 (MariaDB): promise and callback pools, query and execute, errors, connections', async () => {
  const table = `mgops_sdk_tasks_${suffix}`;
  const cfg = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test', connectionLimit: 3 };
  const pool = instrumentMysqlPool(mysqlPromise.createPool(cfg), { database: 'test' });
  const cbPool = instrumentMysqlPool(mysql.createPool(cfg));
  try {
    await pool.query(`CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, phone VARCHAR(20), done TINYINT)`);
    await pool.execute(`INSERT INTO ${table} (phone, done) VALUES (?, ?)`, [PHONE, 0]);
    await pool.query(`INSERT INTO ${table} (phone, done) VALUES (?, ?), (?, ?)`, [PHONE, 1, PHONE, 1]);
    const [rows] = await pool.query(`SELECT id FROM ${table} WHERE done = ?`, [1]);
    assert.equal((rows as unknown[]).length, 2);
    const conn = await pool.getConnection();
    try {
      await conn.query(`UPDATE ${table} SET done = 1 WHERE phone = '${PHONE}'`);
    } finally {
      conn.release();
    }
    const count = await new Promise<number>((resolve, reject) =>
      cbPool.query(`SELECT COUNT(*) AS n FROM ${table}`, (err, r) => (err ? reject(err) : resolve(Number((r as { n: number }[])[0]?.n)))),
    );
    assert.equal(count, 3);
    await assert.rejects(pool.query(`SELECT * FROM ${table}_missing`), (e: unknown) => (e as { code?: string }).code === 'ER_NO_SUCH_TABLE');
    assert.equal(poolUsage(pool)?.max, 3);
    const sampler = startResourceSampler({ pools: [{ name: 'mysql:test', pool }], gauges: [mysqlStorage(pool)] });
    await sampler.sample();
    sampler.stop();
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
    await new Promise<void>((r) => cbPool.end(() => r()));
  }
  await sdk.flush(3000);
  const evs = (await collector.waitEvents('db_query', 20)).filter((e) => e.collection.startsWith(table));
  const ops = evs.map((e) => e.op).sort();
  for (const op of ['create', 'insert', 'select', 'update']) assert.ok(ops.includes(op), `${op} recorded: ${ops.join(',')}`);
  assert.equal(evs.filter((e) => e.op === 'insert').length, 2, 'execute and query both measured');
  assert.equal(evs.find((e) => e.shape === `SELECT id FROM ${table} WHERE done = ?`)?.docs, 2);
  assert.equal(evs.find((e) => e.shape?.startsWith('SELECT COUNT(*)'))?.docs, 1, 'callback pool measured');
  const failed = evs.find((e) => e.collection === `${table}_missing`);
  assert.deepEqual([failed?.ok, failed?.error?.code], [false, 'ER_NO_SUCH_TABLE']);
  assert.ok(!JSON.stringify(evs).includes(PHONE));
  const res = await collector.events('resource');
  assert.equal(res.find((e) => e.resource === 'connections' && e.target === 'mysql:test')?.capacity, 3);
  assert.ok(res.some((e) => e.resource === 'storage' && e.target === 'mysql:test'));
});
