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

test('weighted values: weight w counts like w copies, also fractional weights and after a round trip', () => {
  const xs = Array.from({ length: 3000 }, (_, i) => 5 + ((i * 7919) % 2000) * 0.9);
  const sorted = [...xs].sort((a, b) => a - b);
  // every 10th value of the sorted population, kept with weight 10: the same quantiles as all of it
  const sampled = new Sketch();
  sorted.forEach((x, i) => i % 10 === 9 && sampled.add(x, 10));
  assert.equal(sampled.count, xs.length);
  // a fractional weight (1 / 0.3) on 3 values in 10, also split over two merged sketches
  const a = new Sketch();
  const b = new Sketch();
  sorted.forEach((x, i) => [2, 5, 8].includes(i % 10) && (i % 2 ? a : b).add(x, 1 / 0.3));
  a.merge(Sketch.parse(b.serialize()));
  assert.ok(Math.abs(a.count - xs.length) < 1e-6, `count ${a.count}`);
  for (const q of [0.5, 0.95, 0.99]) {
    const want = exact(xs, q);
    for (const [name, s] of [['w=10', sampled], ['w=1/0.3', a]] as const) {
      assert.ok(Math.abs(s.quantile(q) - want) <= want * SKETCH_RELATIVE_ACCURACY * 1.01, `${name} q${q}: ${s.quantile(q)} vs ${want}`);
    }
  }
  // a heavy value moves the quantile as many copies would: 1 value of weight 99 below 1 of weight 1
  const heavy = new Sketch();
  heavy.add(10, 99);
  heavy.add(1000);
  assert.ok(Math.abs(heavy.quantile(0.95) - 10) <= 0.1);
  assert.ok(Math.abs(heavy.quantile(1) - 1000) <= 10);
});
