import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchWrite, CommitResult, Store } from '../storage/store.js';
import { ApiError } from '../util/errors.js';
import { IngestWriter } from './writer.js';

/** A commit port that holds every commit until the test releases it. */
class HeldStore implements Pick<Store, 'commit'> {
  calls: BatchWrite[][] = [];
  private release: (() => void)[] = [];
  async commit(batches: BatchWrite[]): Promise<CommitResult[]> {
    this.calls.push(batches);
    await new Promise<void>((r) => this.release.push(r));
    return batches.map((b, i) => ({ seq: i + 1, fresh: b.events.map(() => true) }));
  }
  releaseAll() {
    for (const r of this.release.splice(0)) r();
  }
}

const batch = (n: number): BatchWrite => ({
  app: 'mindguard', env: 'production', sdk: 't/1', receivedAt: 0, category: [], dedup: [], ops: [],
  events: Array.from({ length: n }, (_, i) => ({ id: `e-${i}-xxxxxx`, ts: 0, t: 0, type: 'feature_use', feature: 'x' })),
});

test('a full queue answers OVERLOADED with a retry hint instead of growing', async () => {
  const store = new HeldStore();
  const w = new IngestWriter(store, 1000);
  const first = w.enqueue(batch(600));
  const second = w.enqueue(batch(400));
  await assert.rejects(w.enqueue(batch(1)), (e: unknown) => e instanceof ApiError && e.code === 'OVERLOADED' && e.status === 429 && (e.retryAfterSeconds ?? 0) >= 1);
  assert.equal(w.depth, 1000);
  await new Promise((r) => setImmediate(r));
  store.releaseAll();
  await Promise.all([first, second]);
  assert.equal(w.depth, 0);
  assert.equal(store.calls.length, 1, 'requests of the same turn share one commit');
  assert.equal(store.calls[0]!.length, 2);
  const again = w.enqueue(batch(1));
  await new Promise((r) => setTimeout(r, 10));
  store.releaseAll();
  await again; // accepted again once drained
});

test('acknowledgement waits for the commit, and close waits for what is queued', async () => {
  const store = new HeldStore();
  const w = new IngestWriter(store, 10_000);
  let acked = false;
  const p = w.enqueue(batch(10)).then(() => (acked = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(acked, false);
  const closing = w.close();
  await assert.rejects(w.enqueue(batch(1)), (e: unknown) => e instanceof ApiError && e.code === 'OVERLOADED');
  store.releaseAll();
  await p;
  await closing;
  assert.equal(acked, true);
});
