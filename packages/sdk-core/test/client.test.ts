import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { checkEnvelope, checkEvent } from '@mgops/protocol';
import { allSentEvents, rig } from './helpers.js';

test('batches by time: one envelope after flushIntervalMs, valid on the wire, ids unique', async () => {
  const { client, clock, collector } = rig({ flushIntervalMs: 2000, release: '1.2.3', context: { model: 'iPhone 13', os: 'iOS' } });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(client.capture({ type: 'page_view', page: 'pages/home/index' }));
  await clock.advance(1999);
  assert.equal(collector.sent.length, 0);
  await clock.advance(1);
  assert.equal(collector.sent.length, 1);
  const sent = collector.sent[0];
  assert.ok(sent);
  assert.equal(sent.req.url, 'http://127.0.0.1:9/api/v1/events');
  assert.equal(sent.req.headers['x-mgops-key'], 'k_test');
  assert.equal(checkEnvelope(sent.envelope), null);
  assert.equal(sent.envelope.release, '1.2.3');
  assert.deepEqual(sent.envelope.ctx, { model: 'iPhone 13', os: 'iOS' });
  for (const e of sent.envelope.events) assert.equal(checkEvent(e), null);
  assert.deepEqual(sent.envelope.events.map((e) => e.id), ids);
  assert.equal(new Set(ids).size, 5);
  // time-ordered prefix
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(client.stats().delivered, 5);
  assert.equal(client.stats().queued, 0);
});

test('batches by size: a full batch leaves at once, the remainder waits for the timer', async () => {
  const { client, clock, collector } = rig({ batchSize: 10, flushIntervalMs: 5000 });
  for (let i = 0; i < 13; i++) client.capture({ type: 'feature_use', feature: 'diary' });
  await clock.advance(0);
  assert.ok(collector.sent.length >= 1);
  assert.equal(collector.sent[0]?.envelope.events.length, 10);
  await clock.advance(5000);
  assert.equal(allSentEvents(collector).length, 13);
});

test('never more than 2 requests in flight', async () => {
  const { client, clock, collector } = rig({ batchSize: 10 }, () => 'hang');
  for (let i = 0; i < 100; i++) client.capture({ type: 'feature_use', feature: 'x' });
  await clock.advance(10);
  assert.equal(collector.sent.length, 2);
  assert.equal(client.stats().inFlight, 2);
});

test('every string is masked before it leaves; attrs flattened; message cut to the protocol limit', async () => {
  const { client, collector } = rig();
  client.capture({
    type: 'js_error',
    kind: 'error',
    message: 'save failed for 13812345678 / 110101199003074514 ' + 'x'.repeat(5000),
    stack: 'at submit (pages/diary/index.js:1:2) zhang.san@example.com',
    attrs: { phone: '+86 138 1234 5678', nested: { a: 1 } as unknown as string, ok: true, n: Number.NaN },
  });
  await client.flush(1000);
  const e = allSentEvents(collector)[0];
  assert.ok(e && e.type === 'js_error');
  assert.ok(!e.message.includes('13812345678') && e.message.includes('[mobile]') && e.message.includes('[id]'));
  assert.equal(e.message.length, 2048);
  assert.ok(e.stack?.includes('[email]'));
  assert.deepEqual(e.attrs, { phone: '[mobile]', ok: true });
  assert.equal(checkEvent(e), null);
});

test('retries 5xx and network errors with growing back-off, same ids, delivered exactly once', async () => {
  let fail = 3;
  const { client, clock, collector } = rig({ retry: { baseMs: 1000, maxMs: 60_000 } }, (_r, n) =>
    fail-- > 0 ? (n % 2 ? { status: 503 } : 'throw') : { status: 200 },
  );
  const id = client.capture({ type: 'checkin', outcome: 'attempt' });
  await client.flush(0);
  assert.equal(collector.sent.length, 1);
  const gaps: number[] = [];
  let last = clock.now();
  while (collector.stored.size === 0 && clock.now() - last < 120_000) {
    const before = collector.sent.length;
    await clock.advance(100);
    if (collector.sent.length > before) {
      gaps.push(clock.now() - last);
      last = clock.now();
    }
  }
  assert.equal(collector.sent.length, 4);
  assert.ok(gaps[0]! >= 500 && gaps[0]! <= 1100, `first gap ${gaps[0]}`);
  assert.ok(gaps[2]! >= 2000 && gaps[2]! <= 4100, `third gap ${gaps[2]}`);
  assert.ok(collector.sent.every((s) => s.envelope.events[0]?.id === id));
  assert.equal(collector.stored.size, 1);
  assert.equal(client.stats().retries, 3);
});

test('429 honours Retry-After', async () => {
  let n = 0;
  const { client, clock, collector } = rig({}, () => (n++ === 0 ? { status: 429, headers: { 'Retry-After': '30' } } : { status: 200 }));
  client.capture({ type: 'sos', sosId: 'sos_12345678', action: 'triggered' });
  await client.flush(0);
  await clock.advance(29_000);
  assert.equal(collector.sent.length, 1);
  await clock.advance(1_100);
  assert.equal(collector.sent.length, 2);
  assert.equal(collector.stored.size, 1);
});

test('other 4xx: no retry, events dropped and counted as rejected; per-event rejections counted', async () => {
  const { client, clock, collector } = rig({}, (req, n) => {
    if (n === 1) return { status: 400, body: { code: 'BAD', message: 'bad', field: 'events' } };
    const events = (JSON.parse(String(req.body)) as { events: Array<{ feature?: string }> }).events;
    const rejected = events.flatMap((e, index) => (e.feature === 'c' ? [{ index, field: 'feature', message: 'no' }] : []));
    return { status: 200, body: { accepted: events.length - rejected.length, duplicates: 0, rejected } };
  });
  client.capture({ type: 'feature_use', feature: 'a' });
  await client.flush(0);
  await clock.advance(600_000);
  // the one batch was not retried; only the drop report followed it
  assert.equal(allSentEvents(collector).filter((e) => e.type === 'feature_use').length, 1);
  assert.equal(client.stats().dropped.rejected, 1);
  client.capture({ type: 'feature_use', feature: 'b' });
  client.capture({ type: 'feature_use', feature: 'c' });
  assert.equal(await client.flush(1000), true);
  assert.equal(client.stats().dropped.rejected, 2);
});

test('offline events survive a restart through storage and are delivered exactly once', async () => {
  const a = rig({}, () => 'throw');
  for (let i = 0; i < 20; i++) a.client.capture({ type: 'page_view', page: `pages/p${i}/index` });
  await a.clock.advance(5000);
  a.client.persist();
  const ids = [...new Set(allSentEvents(a.collector).map((e) => e.id))];
  assert.equal(ids.length, 20);
  const b = rig({}, undefined, a.storage, a.clock);
  assert.equal(b.client.stats().queued, 20);
  assert.equal(await b.client.flush(2000), true);
  assert.deepEqual([...b.collector.stored.keys()].sort(), ids.sort());
  assert.equal(b.collector.duplicates, 0);
  assert.equal(a.storage.data.get('mgops_q'), undefined);
});

test('bounded queue keeps errors, crashes, SOS and business events before the rest', async () => {
  const { client } = rig({ queue: { maxEntries: 10 } }, () => 'throw');
  for (let i = 0; i < 8; i++) client.capture({ type: 'page_view', page: 'p' });
  for (let i = 0; i < 5; i++) client.capture({ type: 'sos', sosId: 'sos_abcdefgh' + i, action: 'triggered' });
  for (let i = 0; i < 5; i++) client.capture({ type: 'js_error', kind: 'error', message: 'e' + i });
  const s = client.stats();
  assert.equal(s.queued, 10);
  assert.equal(s.dropped.queue_full, 8);
  client.capture({ type: 'page_view', page: 'p' });
  assert.equal(client.stats().dropped.queue_full, 9);
});

test('events older than maxAgeMs are dropped as expired', async () => {
  const { client, clock } = rig({ queue: { maxAgeMs: 60_000 }, dropReportIntervalMs: 86_400_000 }, () => 'throw');
  client.capture({ type: 'page_view', page: 'p' });
  await clock.advance(400_000);
  assert.equal(client.stats().queued, 0);
  assert.equal(client.stats().dropped.expired, 1);
});

test('sampling per kind; errors, SOS and failed calls never sampled out; remote override wins', async () => {
  const { client, collector } = rig({ sampling: { page_view: 0, api_request: 0 } }, () => ({
    status: 200,
    body: { accepted: 1, duplicates: 0, rejected: [], config: { enabled: true, sampling: { page_view: 1, api_request: 0.5 } } },
  }));
  client.capture({ type: 'page_view', page: 'p' });
  client.capture({ type: 'api_request', side: 'client', route: '/a', duration: 5, ok: false });
  client.capture({ type: 'api_request', side: 'client', route: '/a', duration: 5, ok: true });
  client.capture({ type: 'js_error', kind: 'error', message: 'boom' });
  assert.equal(client.stats().dropped.sampled, 2);
  await client.flush(1000);
  client.capture({ type: 'page_view', page: 'p' });
  for (let i = 0; i < 200; i++) client.capture({ type: 'api_request', side: 'client', route: '/b', duration: 5, ok: true });
  await client.flush(1000);
  const ev = allSentEvents(collector);
  assert.equal(ev.filter((e) => e.type === 'page_view').length, 1);
  const b = ev.filter((e) => e.type === 'api_request' && e.route === '/b');
  assert.ok(b.length > 60 && b.length < 140, `sampled ${b.length}/200`);
  assert.equal(b[0]?.attrs?.sampleRate, 0.5);
});

test('remote kill-switch stops capture and sending, and is asked again later', async () => {
  let enabled = false;
  const { client, clock, collector } = rig({}, () => ({ status: 200, body: { accepted: 1, duplicates: 0, rejected: [], config: { enabled } } }));
  client.capture({ type: 'feature_use', feature: 'a' });
  await client.flush(1000);
  assert.equal(client.isEnabled(), false);
  assert.equal(client.capture({ type: 'feature_use', feature: 'b' }), null);
  assert.equal(client.stats().dropped.disabled, 1);
  enabled = true;
  await clock.advance(3_600_001);
  client.capture({ type: 'feature_use', feature: 'c' });
  await client.flush(1000);
  assert.equal(client.isEnabled(), true);
  assert.equal(collector.sent.length, 2);
});

test('beforeSend edits, drops, and a throwing beforeSend is counted, never propagated', async () => {
  const { client, collector } = rig({
    beforeSend: (e) => {
      if (e.type === 'feature_use' && e.feature === 'drop') return null;
      if (e.type === 'feature_use' && e.feature === 'throw') throw new Error('bad hook');
      if (e.type === 'feature_use') e.feature = 'edited 13912345678';
      return e;
    },
  });
  assert.doesNotThrow(() => client.capture({ type: 'feature_use', feature: 'throw' }));
  client.capture({ type: 'feature_use', feature: 'drop' });
  client.capture({ type: 'feature_use', feature: 'keep' });
  await client.flush(1000);
  const ev = allSentEvents(collector).filter((e) => e.type === 'feature_use');
  assert.deepEqual(ev.map((e) => e.type === 'feature_use' && e.feature), ['edited [mobile]']);
  assert.equal(client.stats().dropped.before_send, 1);
  assert.equal(client.stats().dropped.before_send_error, 1);
});

test('gzip only when the platform compresses and it pays', async () => {
  const { client, collector } = rig({ compress: (t) => new Uint8Array(gzipSync(t)) });
  client.capture({ type: 'feature_use', feature: 'x' });
  await client.flush(1000);
  assert.equal(collector.sent[0]?.req.headers['content-encoding'], undefined);
  for (let i = 0; i < 40; i++) client.capture({ type: 'page_view', page: 'pages/diary/index' });
  await client.flush(1000);
  assert.equal(collector.sent[1]?.req.headers['content-encoding'], 'gzip');
  assert.equal(collector.sent[1]?.envelope.events.length, 40);
});

test('flush honours its time budget when the collector hangs', async () => {
  const { client, clock } = rig({}, () => 'hang');
  client.capture({ type: 'crash', reason: 'abnormal_exit' });
  const p = client.flush(3000);
  let result: boolean | undefined;
  void p.then((r) => (result = r));
  await clock.advance(2999);
  assert.equal(result, undefined);
  await clock.advance(1);
  assert.equal(result, false);
  assert.equal(client.stats().queued, 1);
});

test('consent: nothing sent while pending, held events sent once granted, all discarded when denied', async () => {
  const { client, clock, collector, storage } = rig({ consent: 'pending' });
  client.capture({ type: 'page_view', page: 'p' });
  await clock.advance(60_000);
  assert.equal(collector.sent.length, 0);
  assert.equal(storage.data.get('mgops_q'), undefined);
  client.setConsent('granted');
  await client.flush(1000);
  assert.equal(collector.stored.size, 1);
  client.setConsent('denied');
  assert.equal(client.capture({ type: 'page_view', page: 'p' }), null);
  await clock.advance(60_000);
  assert.equal(collector.sent.length, 1);
  assert.equal(client.stats().dropped.consent, 1);
});

test('drops are reported to the collector as a log event from mgops.sdk', async () => {
  const { client, collector } = rig({ sampling: { page_view: 0 } });
  client.capture({ type: 'page_view', page: 'p' });
  client.capture({ type: 'page_view', page: 'p' });
  await client.flush(1000);
  const rep = allSentEvents(collector).find((e) => e.type === 'log');
  assert.ok(rep && rep.type === 'log');
  assert.equal(rep.logger, 'mgops.sdk');
  assert.equal(rep.attrs?.dropped_sampled, 2);
});

test('storage full and throwing ports never reach the host', async () => {
  const { client, storage } = rig({}, () => 'throw');
  storage.quota = 10;
  for (let i = 0; i < 5; i++) client.capture({ type: 'checkin', outcome: 'attempt' });
  assert.doesNotThrow(() => client.persist());
  assert.ok(client.stats().persistErrors > 0);
  assert.equal(client.stats().queued, 5);
  const bad = rig({}, () => {
    throw new Error('sync throw');
  });
  bad.storage.get = () => {
    throw new Error('get failed');
  };
  assert.doesNotThrow(() => bad.client.capture({ type: 'feature_use', feature: 'x' }));
  assert.equal(await bad.client.flush(100), false);
});

test('after a network failure resetBackoff (back online) retries at once; a 5xx back-off is kept', async () => {
  let online = false;
  const { client, clock, collector } = rig({ retry: { baseMs: 60_000 } }, () => (online ? { status: 200 } : 'throw'));
  client.capture({ type: 'checkin', outcome: 'success' });
  await client.flush(0);
  await clock.tick();
  online = true;
  client.resetBackoff();
  await client.flush(1000);
  assert.equal(collector.stored.size, 1);
  // a server-side failure keeps its back-off
  const r = rig({ retry: { baseMs: 60_000 } }, (_q, n) => (n === 1 ? { status: 503 } : { status: 200 }));
  r.client.capture({ type: 'checkin', outcome: 'success' });
  await r.client.flush(0);
  await r.clock.tick();
  r.client.resetBackoff();
  assert.equal(await r.client.flush(1000), false);
  assert.equal(r.collector.sent.length, 1);
});
