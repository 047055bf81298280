/**
 * The real `@cloudbase/node-sdk` database client, its HTTP layer answered by the CloudBase
 * stand-in, instrumented through its requester, sending to the real collector.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, type Collector } from './collector.js';
import { CloudbaseStandIn } from './standins/cloudbase.js';
import { init, instrumentCloudbaseDb, cloudbaseCollectionSizes, startResourceSampler, type NodeSdk } from '../src/index.js';

// what a cloud function's environment has (and it keeps the client off the metadata service)
process.env.TENCENTCLOUD_RUNENV = 'SCF';
process.env.TENCENTCLOUD_REGION = 'ap-shanghai';
process.env.SCF_NAMESPACE = 'mindguard-test-1a2b3c';

let collector: Collector;
let cb: CloudbaseStandIn;
let sdk: NodeSdk;

before(async () => {
  collector = await startCollector();
  cb = await new CloudbaseStandIn().start();
  sdk = init({ endpoint: collector.url, key: collector.key, app: 'mindguard', env: 'staging' });
});
after(async () => {
  await sdk.close(1000);
  await cb.stop();
  await collector.stop();
});

async function database() {
  const tcb = (await import('@cloudbase/node-sdk')).default;
  const app = tcb.init({ env: cb.envId, secretId: 'AKIDmgopsTestSecretId', secretKey: 'mgopsTestSecretKey', serviceUrl: cb.serviceUrl });
  return instrumentCloudbaseDb(app.database(), { slowMs: 200 });
}

test('every operation of the real client is timed: collection, op, docs, key shape, never values', async () => {
  cb.collections.set('mood_checkins', []);
  const db = await database();
  const _ = db.command;
  const coll = db.collection('mood_checkins');
  for (const mood of [2, 4, 5]) await coll.add({ mood, openid: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0', phone: '13812345678' });
  const got = await coll.where({ mood: _.gte(4) }).limit(10).get();
  assert.equal(got.data.length, 2, 'the stand-in answered the real query');
  assert.equal((await coll.count()).total, 3);
  await coll.where({ mood: 2 }).update({ mood: 3 });
  await coll.where({ mood: 3 }).remove();
  const agg = await db.collection('mood_checkins').aggregate().match({ mood: _.gt(3) }).count('n').end();
  assert.deepEqual(agg.data, [{ n: 2 }]);
  await sdk.flush(2000);
  const evs = (await collector.waitEvents('db_query', 8)).filter((e) => e.collection === 'mood_checkins');
  const ops = evs.map((e) => e.op).sort();
  assert.deepEqual(ops, ['add', 'add', 'add', 'aggregate', 'count', 'get', 'remove', 'update']);
  const get = evs.find((e) => e.op === 'get');
  assert.equal(get?.docs, 2);
  assert.equal(get?.shape, '{mood:{$gte}}');
  assert.equal(evs.find((e) => e.op === 'aggregate')?.shape, '$match{mood:{$gt}}|$count');
  assert.equal(evs.find((e) => e.op === 'update')?.docs, 1);
  assert.ok(evs.every((e) => e.ok && e.duration >= 0));
  const wire = JSON.stringify(evs);
  assert.ok(!wire.includes('13812345678') && !wire.includes('oAbCdEf'), 'no values leave');
  assert.ok(cb.received.every((r) => r.authorized), 'the real client signed every request');
});

test('slow queries and database errors: flagged, counted, error code kept; the caller sees the same error', async () => {
  cb.collections.set('sos_records', [{ _id: 'a1', level: 'high' }]);
  cb.delays.set('sos_records', 250);
  const db = await database();
  await db.collection('sos_records').where({ level: 'high' }).get();
  cb.delays.delete('sos_records');
  await assert.rejects(db.collection('no_such_collection').get(), (e: unknown) => (e as { code?: string }).code === 'DATABASE_COLLECTION_NOT_EXIST');
  cb.failNext({ httpStatus: 500 });
  await assert.rejects(db.collection('sos_records').count());
  await sdk.flush(2000);
  const evs = await collector.waitEvents('db_query', 11);
  const slow = evs.find((e) => e.collection === 'sos_records' && e.op === 'get');
  assert.equal(slow?.attrs?.slow, true);
  assert.ok((slow?.duration ?? 0) >= 250);
  const missing = evs.find((e) => e.collection === 'no_such_collection');
  assert.equal(missing?.ok, false);
  assert.equal(missing?.error?.code, 'DATABASE_COLLECTION_NOT_EXIST');
  assert.equal(evs.find((e) => e.collection === 'sos_records' && e.op === 'count')?.ok, false);
  const m = (await collector.metric('slow_query_count', { by: 'collection' })) as unknown as { values: { filter: { val: string }; value: number }[] };
  assert.equal(m.values.find((v) => v.filter.val === 'sos_records')?.value, 1);
});

test('db_query_time read back per collection; collection sizes sampled', async () => {
  cb.collections.set('tasks', []);
  cb.delays.set('tasks', 40);
  const db = await database();
  for (let i = 0; i < 20; i++) await db.collection('tasks').add({ due: i });
  const sampler = startResourceSampler({ intervalMs: 60_000, gauges: [cloudbaseCollectionSizes(db, ['tasks'])] });
  await sampler.sample();
  sampler.stop();
  await sdk.flush(2000);
  await collector.waitEvents('db_query', 32);
  const m = (await collector.metric('db_query_time', { by: 'collection' })) as unknown as { values: { filter: { val: string }; value: number; samples: number }[] };
  const tasks = m.values.find((v) => v.filter.val === 'tasks');
  assert.ok(tasks && tasks.samples >= 20, 'per-collection breakdown');
  assert.ok(tasks.value >= 40 && tasks.value < 300, `p95 ${tasks.value}`);
  const storage = (await collector.events('resource')).find((e) => e.resource === 'storage' && e.target === 'cloudbase:tasks');
  assert.equal(storage?.value, 20);
  assert.equal(storage?.unit, 'docs');
});
