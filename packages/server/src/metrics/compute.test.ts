import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newAgg, type Agg } from './agg.js';
import { metricDef } from './catalogue.js';
import { computeFromAggs } from './compute.js';

const agg = (n: number): Agg => ({ ...newAgg(), n });

test('a success rate is a share: 8 successes whose 7 attempts fell in the window read 100 %, not 114 %; the counts stay as they were', () => {
  const def = metricDef('checkin_success_rate');
  assert.ok(def);
  const series: Record<string, Agg> = { 'checkin.success@server': agg(8), 'checkin.attempt@server': agg(7) };
  const r = computeFromAggs(def.compute, (s) => series[s]);
  assert.equal(r.value, 100);
  assert.deepEqual(r.details, { numerator: 8, denominator: 7 });
  const below = computeFromAggs(def.compute, (s) => ({ 'checkin.success@server': agg(17), 'checkin.attempt@server': agg(20) })[s]);
  assert.equal(below.value, 85);
});

test('a rate that is not a share keeps its value above 100 % (JS errors per page view)', () => {
  const def = metricDef('error_rate');
  assert.ok(def);
  const r = computeFromAggs(def.compute, (s) => ({ js_error: agg(3), page_view: agg(2) })[s]);
  assert.equal(r.value, 150);
});
