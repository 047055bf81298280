import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sketch, SKETCH_RELATIVE_ACCURACY } from './sketch.js';

const exact = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)]!;

test('quantiles within the relative accuracy, also after merging and a round trip', () => {
  const xs = Array.from({ length: 5000 }, (_, i) => 1 + ((i * 7919) % 4000) * 1.7);
  const a = new Sketch();
  const b = new Sketch();
  xs.forEach((x, i) => (i % 2 ? a : b).add(x));
  a.merge(Sketch.parse(b.serialize()));
  assert.equal(a.count, xs.length);
  for (const q of [0.5, 0.95, 0.99]) {
    const want = exact(xs, q);
    assert.ok(Math.abs(a.quantile(q) - want) <= want * SKETCH_RELATIVE_ACCURACY * 1.01, `q${q}: ${a.quantile(q)} vs ${want}`);
  }
});

test('zero values and an empty sketch', () => {
  const s = new Sketch();
  assert.ok(Number.isNaN(s.quantile(0.95)));
  s.add(0);
  s.add(0);
  s.add(100);
  assert.equal(s.quantile(0.5), 0);
  assert.ok(Math.abs(s.quantile(0.95) - 100) <= 1);
});
