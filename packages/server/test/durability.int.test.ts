/**
 * Durability: the real server process is killed with SIGKILL while batches are in flight. After a
 * restart every acknowledged event is stored exactly once — in the raw store and in the metrics —
 * and clients retrying what was not acknowledged create no duplicates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { cli, envelope, getJson, post, sleep, spawnServer, tempDir } from './helpers.js';

test('SIGKILL mid-ingest loses no acknowledged event and duplicates none', { timeout: 170_000 }, async () => {
  const dataDir = tempDir('mgops-durability-');
  try {
    const key = cli(['keys', 'create', '--app', 'mindguard', '--data', dataDir]);
    const server = await spawnServer(dataDir);
    const acked = new Set<string>();
    const unacked: ReturnType<typeof envelope>[] = [];
    let stop = false;
    const sender = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const body = envelope(Array.from({ length: 20 }, (_, k) => ({ id: `dur-${w}-${i}-${k}-xxxxxxxx`, type: 'page_load', page: 'pages/index/index', duration: 100 + k })));
        try {
          const r = await post(server.url, key, body);
          if (r.status === 200) for (const e of body.events) acked.add(e.id as string);
          else unacked.push(body);
        } catch {
          unacked.push(body); // connection reset by the kill: the client does not know
        }
      }
    };
    const senders = Array.from({ length: 8 }, (_, w) => sender(w));
    // kill once plenty is acknowledged, while the senders keep requests in flight
    const deadline = Date.now() + 60_000;
    while (acked.size < 2000 && Date.now() < deadline) await sleep(50);
    await server.stop('SIGKILL');
    stop = true;
    await Promise.all(senders);
    assert.ok(acked.size > 500, `only ${acked.size} events acknowledged before the kill`);
    assert.ok(unacked.length > 0, 'the kill should have caught requests in flight');

    const restarted = await spawnServer(dataDir);
    try {
      const db = new Database(join(dataDir, 'mgops.db'), { readonly: true });
      const counts = new Map<string, number>();
      for (const row of db.prepare("SELECT events FROM batches WHERE category = 'system'").all() as { events: string }[]) {
        for (const e of JSON.parse(row.events) as { id: string }[]) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
      }
      db.close();
      for (const id of acked) assert.equal(counts.get(id), 1, `acknowledged event ${id} stored ${counts.get(id) ?? 0} times`);
      for (const [id, n] of counts) assert.equal(n, 1, `${id} stored ${n} times`);
      // the rollups were rebuilt from the batches committed after the last flush: exactly once
      const m = await getJson<{ samples: number }>(`${restarted.url}/api/v1/metrics/page_load_time`);
      assert.equal(m.samples, counts.size);

      // clients retry what was not acknowledged: stored once in the end, nothing twice
      for (const body of unacked) {
        const r = await post(restarted.url, key, body);
        assert.equal(r.status, 200);
      }
      const after = await getJson<{ samples: number }>(`${restarted.url}/api/v1/metrics/page_load_time`);
      const expected = new Set([...counts.keys(), ...unacked.flatMap((b) => b.events.map((e) => e.id as string))]);
      assert.equal(after.samples, expected.size);
    } finally {
      await restarted.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('SIGTERM flushes everything acknowledged before exiting', { timeout: 170_000 }, async () => {
  const dataDir = tempDir('mgops-graceful-');
  try {
    const key = cli(['keys', 'create', '--app', 'mindguard', '--data', dataDir]);
    const server = await spawnServer(dataDir);
    const r = await post(server.url, key, envelope(Array.from({ length: 50 }, () => ({ type: 'api_request', side: 'server', route: '/api/x', duration: 200, ok: true }))));
    assert.equal(r.status, 200);
    assert.equal(await server.stop('SIGTERM'), 0);
    const db = new Database(join(dataDir, 'mgops.db'), { readonly: true });
    const watermark = db.prepare("SELECT value FROM kv WHERE key = 'rollup_watermark'").get() as { value: string } | undefined;
    const maxSeq = (db.prepare('SELECT MAX(seq) AS s FROM batches').get() as { s: number }).s;
    const rollup = db.prepare("SELECT SUM(n) AS n FROM rollups WHERE series = 'api.server' AND dim = ''").get() as { n: number };
    db.close();
    assert.equal(Number(watermark?.value), maxSeq, 'rollups flushed up to the last batch');
    assert.equal(rollup.n, 50);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
