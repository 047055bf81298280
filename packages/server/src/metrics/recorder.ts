/**
 * Feeds committed batches into the rollup buffer, and replays the batches after the stored
 * watermark at start, so rollups count every acknowledged event exactly once across restarts.
 */
import type { BatchMeta, Store, StoredEvent } from '../storage/store.js';
import type { CommittedBatch } from '../ingest/writer.js';
import type { RollupBuffer } from './buffer.js';
import { samplesOf, type Sample, type SampleSettings } from './samples.js';

const scratch: Sample[] = [];

function recordEvent(buffer: RollupBuffer, e: StoredEvent, meta: BatchMeta, cfg: SampleSettings): void {
  scratch.length = 0;
  samplesOf(e, meta, cfg, scratch);
  for (const s of scratch) buffer.add(e.t, s);
}

export function recordCommitted(buffer: RollupBuffer, batches: CommittedBatch[], cfg: SampleSettings): void {
  for (const { write, result } of batches) {
    for (let i = 0; i < write.events.length; i++) {
      if (result.fresh[i]) recordEvent(buffer, write.events[i]!, write, cfg);
    }
    if (write.pii) {
      for (const [kind, n] of Object.entries(write.pii)) {
        // one sample standing for the n found (its weight), not n samples of one
        if (n) buffer.add(write.receivedAt, { series: 'pii', value: 1, bad: true, w: n, q: false, dims: [['kind', kind]] });
      }
    }
    if (result.seq > buffer.seq) buffer.seq = result.seq;
  }
}

/** Re-applies the batches committed after the last rollup flush. Returns how many events. */
export async function replayAfterWatermark(store: Store, buffer: RollupBuffer, cfg: SampleSettings): Promise<number> {
  let seq = await store.rollupWatermark();
  buffer.seq = seq;
  let events = 0;
  for (;;) {
    const batches = await store.batchesAfter(seq, 500);
    if (batches.length === 0) return events;
    for (const b of batches) {
      for (const e of b.events) recordEvent(buffer, e, b, cfg);
      events += b.events.length;
      seq = b.seq;
    }
    buffer.seq = seq;
  }
}
