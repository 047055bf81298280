import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RollupBuffer } from './buffer.js';

test('dimension cardinality is bounded: values beyond the limit are counted as "other"', () => {
  const b = new RollupBuffer(3);
  const t = Date.UTC(2026, 10, 28, 2, 0, 0);
  for (let i = 0; i < 10; i++) b.add(t, { series: 'page_load', value: 100 + i, bad: false, w: 1, q: true, dims: [['page', `pages/p${i}`]] });
  const rows = b.pending(new Set(['page_load']), 'page', t, t + 60_000);
  assert.deepEqual(rows.map((r) => r.val).sort(), ['other', 'pages/p0', 'pages/p1', 'pages/p2']);
  assert.equal(rows.find((r) => r.val === 'other')!.n, 7);
  const total = b.pending(new Set(['page_load']), '', t, t + 60_000);
  assert.equal(total[0]!.n, 10, 'the total counts everything');
});

test('a failed flush puts the cells back; nothing is lost or counted twice', () => {
  const b = new RollupBuffer(10);
  const t = Date.UTC(2026, 10, 28, 2, 0, 0);
  b.add(t, { series: 'fn', value: 10, bad: true, w: 1, q: true, dims: [] });
  const { rows } = b.beginFlush();
  assert.equal(rows.length, 1);
  b.add(t, { series: 'fn', value: 20, bad: false, w: 1, q: true, dims: [] });
  // while flushing, queries see both the flushing and the new cells
  assert.equal(b.pending(new Set(['fn']), '', t, t + 60_000).reduce((a, r) => a + r.n, 0), 2);
  b.endFlush(false);
  const after = b.pending(new Set(['fn']), '', t, t + 60_000);
  assert.equal(after.length, 1);
  assert.equal(after[0]!.n, 2);
  assert.equal(after[0]!.bad, 1);
  assert.equal(after[0]!.sketch!.count, 2);
});
