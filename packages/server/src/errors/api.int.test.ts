/**
 * Errors by fingerprint end to end on SQLite and PostgreSQL: mini-program `js_error` events and
 * failing cloud functions and database requests posted through the real collector, and
 * `GET /api/errors` groups them per source (server: per function or collection and fingerprint).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAndDrop, ingestAll, PG_URL, startPlatform, testConfig, type Ev, type TestPlatform } from '../../test/helpers.js';
import { ErrorService, type ClientErrorGroup, type ErrorsAnswer, type ServerErrorGroup } from './service.js';

const MIN = 60_000;
/** first and last seen are the server-corrected time: the event time shifted by the few ms the batch took to arrive */
const seen = (g: { firstSeen: number; lastSeen: number } | undefined, now: number, first: number, last: number) => {
  assert.ok(g && Math.abs(g.firstSeen - (now - first * MIN)) < 5_000, `first seen ${g?.firstSeen} ~ ${now - first * MIN}`);
  assert.equal(g.lastSeen - g.firstSeen, (first - last) * MIN);
};
const STACK = 'TypeError: x\n    at score (/var/user/index.js:12:7)\n    at main (/var/user/index.js:40:3)';
const TIMEOUT = { type: 'Error', message: 'Dify request timed out', stack: 'Error: Dify request timed out\n    at call (/var/user/dify.js:8:11)', code: 'ETIMEDOUT' };

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`errors on ${engine}`, () => {
    const pgSchema = engine === 'postgres' ? `mgops_errors_${process.pid}` : undefined;
    let tp: TestPlatform;
    let now = 0;
    const errors = async <G = ServerErrorGroup>(query: string) => {
      const res = await fetch(`${tp.url}/api/errors${query}`);
      return { status: res.status, body: (await res.json()) as ErrorsAnswer<G> & { code?: string; field?: string } };
    };

    before(async () => {
      tp = await startPlatform({ config: testConfig((c) => pgSchema && (c.storage = { engine: 'postgres', postgresUrl: PG_URL, postgresSchema: pgSchema })) });
      now = Date.now();
      const fn = (fnName: string, ago: number, error?: Record<string, unknown>): Ev => ({ type: 'function_invocation', fn: fnName, duration: 120, ok: !error, ts: now - ago * MIN, ...(error ? { error } : {}) });
      const server: Ev[] = [
        // the same timeout in two functions: two groups
        fn('riskScore', 30, TIMEOUT), fn('riskScore', 20, TIMEOUT), fn('riskScore', 10, TIMEOUT),
        fn('checkin', 15, TIMEOUT),
        // an SDK-given fingerprint is kept
        fn('checkin', 25, { type: 'TypeError', message: "Cannot read properties of undefined (reading 'mood')", stack: STACK, fingerprint: 'fp-mood' }),
        fn('checkin', 5, { type: 'TypeError', message: "Cannot read properties of undefined (reading 'mood')", stack: STACK, fingerprint: 'fp-mood' }),
        // successes and a failure without an error do not count
        fn('riskScore', 12), fn('checkin', 3), { type: 'function_invocation', fn: 'checkin', duration: 9, ok: false, ts: now - 4 * MIN },
        { type: 'db_query', collection: 'checkins', op: 'add', duration: 40, ok: false, ts: now - 8 * MIN, error: { type: 'DatabaseError', message: 'duplicate key', code: -502001 } },
        { type: 'db_query', collection: 'checkins', op: 'find', duration: 4, ok: true, ts: now - 7 * MIN },
      ];
      const client: Ev[] = [
        { type: 'js_error', kind: 'error', message: "TypeError: Cannot read properties of undefined (reading 'mood')", stack: 'at onSubmit (pages/checkin/checkin.js:42:13)', fingerprint: 'fp-client-mood', page: 'pages/checkin/checkin', ts: now - 40 * MIN },
        { type: 'js_error', kind: 'error', message: "TypeError: Cannot read properties of undefined (reading 'mood')", stack: 'at onSubmit (pages/checkin/checkin.js:42:13)', fingerprint: 'fp-client-mood', page: 'pages/journal/journal', ts: now - 2 * MIN, breadcrumbs: [{ t: now - 3 * MIN, c: 'tap', m: 'submit' }] },
        { type: 'js_error', kind: 'page_not_found', message: 'page not found: pages/old/old', ts: now - 6 * MIN },
      ];
      for (const [events, o] of [[server, { release: 'fn-1.4.0' }], [client, { sdk: 'mgops-miniprogram', release: '2.3.1' }]] as const) {
        await ingestAll(tp, events, { ...o, sentAt: now });
      }
    });

    after(async () => {
      if (tp) await closeAndDrop(tp, pgSchema);
    });

    test('server errors: per function or collection and fingerprint, most frequent first, latest details', async () => {
      const { status, body } = await errors('?source=server');
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.truncated, false);
      assert.equal(body.events, 8, 'only the failures are read, not the successful calls');
      assert.ok(Math.abs(body.to - body.from - 24 * 60 * MIN) < 1);
      assert.deepEqual(body.groups.map((g) => [g.count, g.where, g.errorType, g.message]), [
        [3, 'fn:riskScore', 'Error', 'Dify request timed out'],
        [2, 'fn:checkin', 'TypeError', "Cannot read properties of undefined (reading 'mood')"],
        [1, 'db:checkins', 'DatabaseError', 'duplicate key'],
        [1, 'fn:checkin', 'Error', 'Dify request timed out'],
      ]);
      const [risk, mood, db, timeout] = body.groups;
      seen(risk, now, 30, 10);
      assert.equal(risk?.code, 'ETIMEDOUT');
      assert.match(risk?.stack ?? '', /dify\.js:8:11/);
      assert.deepEqual(risk?.releases, ['fn-1.4.0']);
      assert.equal(risk?.fingerprint, timeout?.fingerprint, 'the same error in two functions: one fingerprint, two groups');
      assert.equal(mood?.fingerprint, 'fp-mood');
      seen(mood, now, 25, 5);
      assert.equal(db?.code, -502001);
      assert.ok(db?.fingerprint, 'an error without a stack has a fingerprint too');
      // the range and the limit
      const recent = await errors('?source=server&from=now-11m');
      assert.deepEqual(recent.body.groups.map((g) => [g.count, g.where]), [[1, 'fn:checkin'], [1, 'db:checkins'], [1, 'fn:riskScore']]);
      assert.equal((await errors('?source=server&limit=2')).body.groups.length, 2);
    });

    test('client errors: js_error by fingerprint with the latest page, stack and breadcrumbs', async () => {
      const { status, body } = await errors<ClientErrorGroup>('?source=client');
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.events, 3);
      const [mood, notFound] = body.groups;
      assert.deepEqual([mood?.fingerprint, mood?.count, mood?.kind, mood?.page], ['fp-client-mood', 2, 'error', 'pages/journal/journal']);
      seen(mood, now, 40, 2);
      assert.deepEqual(mood?.breadcrumbs, [{ t: now - 3 * MIN, c: 'tap', m: 'submit' }]);
      assert.match(mood?.stack ?? '', /checkin\.js:42:13/);
      assert.deepEqual(mood?.releases, ['2.3.1']);
      assert.deepEqual([notFound?.count, notFound?.kind, notFound?.message], [1, 'page_not_found', 'page not found: pages/old/old']);
      assert.ok(notFound?.fingerprint);
    });

    test('one app only', async () => {
      assert.equal((await errors('?source=server&app=mindguard')).body.groups.length, 4);
      assert.deepEqual((await errors('?source=server&app=another-app')).body.groups, []);
      assert.deepEqual((await errors('?source=client&app=another-app')).body.events, 0);
    });

    test('reading more events than the cap says truncated', async () => {
      const capped = await new ErrorService(tp.platform.store, 5).groups('server', { from: now - 60 * MIN, to: now });
      assert.deepEqual([capped.truncated, capped.events], [true, 5]);
      assert.equal((await new ErrorService(tp.platform.store).groups('server', { from: now - 60 * MIN, to: now })).truncated, false);
    });

    test('a bad query is a 400 naming the field', async () => {
      for (const [query, field] of [['', 'source'], ['?source=web', 'source'], ['?source=server&from=yesterday', 'from'], ['?source=server&to=now-banana', 'to'], [`?source=server&from=${now}&to=${now - MIN}`, 'from'], ['?source=client&limit=0', 'limit'], ['?source=client&limit=x', 'limit']] as const) {
        const bad = await errors(query);
        assert.deepEqual([bad.status, bad.body.code, bad.body.field], [400, 'INVALID_FIELD', field], query);
      }
    });
  });
}
