import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { SECRETS, startAlertingKit, TEAM, weeklyRotation } from '../../test/receivers/alerting-kit.js';
import { Directory } from '../oncall/directory.js';
import { ManualClock } from '../util/clock.js';
import { registerAlertingApi } from './http.js';

const T0 = Date.UTC(2025, 0, 8, 2, 0);

test('acknowledge from the DingTalk button (signed link), resolve by API, stats, on-call and validation errors', async () => {
  const clock = new ManualClock(T0);
  const kit = await startAlertingKit({ clock });
  const app = Fastify();
  const directory = new Directory(TEAM, [weeklyRotation(Date.UTC(2025, 0, 6, 2, 0))]);
  registerAlertingApi(app, { manager: kit.manager, store: kit.store, outbox: kit.outbox, directory, clock, ackSecret: SECRETS.ack });
  try {
    const alert = await kit.manager.observe(
      { key: 'db_query_time', metricId: 'db_query_time', labels: {}, state: 'critical', value: 320, level: 'P1', threshold: 200, windowMs: 300_000, at: clock.now() },
      { nameZh: '数据库查询时间', nameEn: 'DB query time', unit: 'ms', direction: 'above', responder: 'dba' },
    );
    assert.ok(alert);
    clock.advance(6_000);
    await kit.manager.tick();
    const link = kit.ding.messages[0]?.text.match(/\[确认告警\]\((https:\/\/ops\.mindguard\.example\/ack\/[^)]+)\)/)?.[1];
    assert.ok(link, 'the DingTalk message carries a signed acknowledge link');
    const path = link.replace('https://ops.mindguard.example', '');

    const page = await app.inject({ method: 'GET', url: path });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form method="post">/);
    assert.equal((await app.inject({ method: 'GET', url: path.replace(/t=[^&]+/, 't=1.forged') })).statusCode, 403);
    assert.equal((await kit.store.getAlert(alert.id))?.status, 'firing', 'GET acknowledges nothing');

    clock.advance(120_000);
    const posted = await app.inject({ method: 'POST', url: path, payload: 'by=wu', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(posted.statusCode, 200);
    const acked = await kit.store.getAlert(alert.id);
    assert.equal(acked?.status, 'acknowledged');
    assert.equal(acked?.acknowledgedBy, 'wu');

    assert.equal((await app.inject({ method: 'POST', url: `/api/alerts/${alert.id}/resolve`, payload: {} })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: '/api/alerts/NOPE/ack', payload: { by: 'lin' } })).statusCode, 404);
    clock.advance(600_000);
    const resolved = await app.inject({ method: 'POST', url: `/api/alerts/${alert.id}/resolve`, payload: { by: 'wu' } });
    assert.equal(resolved.json().status, 'resolved');
    assert.equal((await app.inject({ method: 'POST', url: `/api/alerts/${alert.id}/ack`, payload: { by: 'lin' } })).statusCode, 409);

    const detail = (await app.inject({ method: 'GET', url: `/api/alerts/${alert.id}` })).json();
    assert.deepEqual(
      detail.timeline.map((e: { kind: string }) => e.kind).filter((k: string) => ['opened', 'acknowledged', 'resolved'].includes(k)),
      ['opened', 'acknowledged', 'resolved'],
    );
    assert.ok(detail.deliveries.some((d: { channel: string; status: string }) => d.channel === 'dingtalk' && d.status === 'delivered'));
    const stats = (await app.inject({ method: 'GET', url: `/api/alerts/stats?since=${T0}` })).json();
    const p1 = stats.levels.find((l: { level: string }) => l.level === 'P1');
    assert.deepEqual([p1.opened, p1.mttaMs, p1.mttrMs, p1.ackedInTime], [1, 126_000, 726_000, 1]);
    const oncall = (await app.inject({ method: 'GET', url: '/api/oncall' })).json();
    assert.equal(oncall.rotations[0].onCall.id, 'alice');
    const bad = await app.inject({ method: 'GET', url: '/api/alerts?status=open' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'status');
  } finally {
    await app.close();
    await kit.close();
  }
});
