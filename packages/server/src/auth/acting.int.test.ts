/**
 * Acting on alerts through the session: who acknowledges is the logged-in person whatever the body
 * claims; a viewer may read alerts but not act; SSE streams pushes the change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envelope, post, sleep, startPlatform, testConfig } from '../../test/helpers.js';
import { alertingPlugin } from '../alerting/plugin.js';
import { dashboardPlugin } from '../dashboard/plugin.js';
import { Users } from './users.js';

type Alert = { id: string; status: string; acknowledgedBy?: string; metricId: string };

test('acknowledge as the session user; a viewer is refused; the live stream carries the change', { timeout: 60_000 }, async () => {
  const tp = await startPlatform({ config: testConfig(), plugins: [alertingPlugin({ evaluateEveryMs: 3_600_000, maxSleepMs: 100 }), dashboardPlugin({ liveEveryMs: 100 })] });
  try {
    const users = new Users(tp.platform.store);
    await users.upsert('wang', 'ops', 'wang-password-1');
    await users.upsert('guest', 'viewer', 'guest-password-1');
    const session = async (name: string, password: string) => {
      const r = await fetch(`${tp.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
      const b = (await r.json()) as { csrf: string };
      return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: b.csrf };
    };
    const ops = await session('wang', 'wang-password-1');
    const guest = await session('guest', 'guest-password-1');

    // the live stream, read raw
    const ac = new AbortController();
    const stream = await fetch(`${tp.url}/api/v1/stream`, { headers: { cookie: guest.cookie }, signal: ac.signal });
    assert.equal(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = stream.body?.getReader();
    let streamed = '';
    const pump = (async () => {
      for (;;) {
        const chunk = await reader?.read().catch(() => undefined);
        if (!chunk || chunk.done) return;
        streamed += new TextDecoder().decode(chunk.value);
      }
    })();

    assert.equal((await post(tp.url, tp.key, envelope([{ type: 'unauthorised_op', operation: 'export_records', resource: 'checkin', role: 'viewer' }]))).status, 200);
    let alert: Alert | undefined;
    for (let i = 0; i < 50 && !alert; i++) {
      await sleep(100);
      const list = (await (await fetch(`${tp.url}/api/alerts`, { headers: { cookie: guest.cookie } })).json()) as Alert[];
      alert = list.find((a) => a.metricId === 'unauthorised_operation');
    }
    assert.ok(alert, 'the P0 alert opened');

    const ack = (who: { cookie: string; csrf: string }) =>
      fetch(`${tp.url}/api/alerts/${alert?.id}/ack`, { method: 'POST', headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ by: 'someone-else' }) });
    assert.equal((await ack(guest)).status, 403);
    const r = await ack(ops);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as Alert).acknowledgedBy, 'wang');

    for (let i = 0; i < 50 && !/"status":"acknowledged"/.test(streamed); i++) await sleep(100);
    assert.match(streamed, /event: alerts\ndata: .*"acknowledgedBy":"wang"/);
    assert.match(streamed, /event: matrix\ndata: /);
    ac.abort();
    await pump;
  } finally {
    await tp.close();
  }
});
