/** Where the collector's CPU goes per event, stage by stage, in one process (no HTTP). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { SqliteStore } from '../src/storage/sqlite/store.js';
import { prepareBatch } from '../src/ingest/pipeline.js';
import { Privacy } from '../src/ingest/privacy.js';
import { RollupBuffer } from '../src/metrics/buffer.js';
import { recordCommitted } from '../src/metrics/recorder.js';
import { decodeBody } from '../src/ingest/route.js';
import { batchTemplate, fillTemplate } from './events.js';

const { config } = loadConfig();
const dir = mkdtempSync(join(tmpdir(), 'mgops-stages-'));
const store = new SqliteStore(join(dir, 'x.db'));
const privacy = new Privacy(Buffer.from('k'), () => {});
const buffer = new RollupBuffer(200);
const settings = { apps: new Map([['mindguard', new Set(['production'])]]), maxEventsPerBatch: 1000, maxEventAgeMs: 7 * 86_400_000, maxFutureSkewMs: 300_000 };
const cfg = { slowQueryMs: 200, aiTimeLimitMs: 30_000, dbConnectionsMax: 100 };
const t = { parse: 0, prepare: 0, commit: 0, record: 0 };
let events = 0;
const template = batchTemplate(100);
const started = performance.now();
for (let r = 0; performance.now() - started < 8000; r++) {
  const writes = [];
  for (let k = 0; k < 20; k++) {
    const body = Buffer.from(fillTemplate(template, `${r}-${k}`, Date.now()));
    let t0 = performance.now();
    const parsed = decodeBody(body, undefined, 1 << 20);
    t.parse += performance.now() - t0;
    t0 = performance.now();
    writes.push(prepareBatch(parsed, 'mindguard', Date.now(), settings, privacy).write);
    t.prepare += performance.now() - t0;
  }
  let t0 = performance.now();
  const results = await store.commit(writes);
  t.commit += performance.now() - t0;
  t0 = performance.now();
  recordCommitted(buffer, writes.map((write, i) => ({ write, result: results[i]! })), cfg);
  t.record += performance.now() - t0;
  events += writes.reduce((a, w) => a + w.events.length, 0);
  if (buffer.size > 5000) {
    buffer.beginFlush();
    buffer.endFlush(true);
  }
}
void config;
const us = (ms: number) => ((ms * 1000) / events).toFixed(2);
console.log(`events ${events}: parse ${us(t.parse)} µs, prepare ${us(t.prepare)} µs, commit ${us(t.commit)} µs, record ${us(t.record)} µs per event`);
await store.close();
rmSync(dir, { recursive: true, force: true });
