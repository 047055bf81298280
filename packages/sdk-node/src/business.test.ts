import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBusiness } from './business.js';
import { createAudit } from './audit.js';
import { Recorder } from './recorder.js';
import { MemorySink } from './sink.js';

test('protocol ids: kept when valid, hashed stably when not; deterministic event ids', () => {
  const sink = new MemorySink();
  const b = createBusiness({ recorder: new Recorder({ sink }) });
  b.risk.predicted('短id', 'high', 'v1');
  b.risk.labelled('短id', 'medium', 'psychologist');
  b.sos.triggered('sos-0000000001');
  const [p] = sink.ofType('risk_predicted');
  const [l] = sink.ofType('risk_labelled');
  assert.match(String(p?.predictionId), /^h_[0-9a-f]{30}$/);
  assert.equal(p?.predictionId, l?.predictionId, 'prediction and label still pair up');
  assert.equal(sink.ofType('sos')[0]?.id, 'sos.triggered.sos-0000000001');
});

test('retention: one event per user and Shanghai day; no user id without a key', () => {
  const sink = new MemorySink();
  const b = createBusiness({ recorder: new Recorder({ sink, pseudonymKey: 'k-0123456789abcdef' }) });
  const day1 = Date.UTC(2025, 0, 1, 15, 0); // 23:00 in Shanghai
  b.retention.active('u1', day1);
  b.retention.active('u1', day1 + 30 * 60_000);
  b.retention.active('u1', day1 + 2 * 3_600_000); // 01:00 next day in Shanghai
  const evs = sink.ofType('user_active');
  assert.equal(evs.length, 2);
  assert.equal(evs[0]?.ts, Date.UTC(2024, 11, 31, 16, 0));
  const bare = new MemorySink();
  createBusiness({ recorder: new Recorder({ sink: bare }) }).retention.active('u1');
  assert.equal(bare.events.length, 0);
});

test('audit: actors pseudonymised, resources masked, export flagged', () => {
  const sink = new MemorySink();
  const a = createAudit({ recorder: new Recorder({ sink, pseudonymKey: 'k-0123456789abcdef' }) });
  a.unauthorised({ operation: 'delete', resource: 'users/13812345678', role: 'counsellor', actor: 'staff-1' });
  a.dataExport({ actor: 'staff-1', category: 'mental_health', records: -5 });
  const [u] = sink.ofType('unauthorised_op');
  assert.equal(u?.resource, 'users/[mobile]');
  assert.match(String(u?.actor), /^u_/);
  const [s] = sink.ofType('sensitive_access');
  assert.deepEqual([s?.export, s?.records], [true, 0]);
});
