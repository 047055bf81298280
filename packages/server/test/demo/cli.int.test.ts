/**
 * `npm start -- --demo` as a newcomer runs it (the real CLI in a child process): within 60 s most
 * matrix rows carry live values; `mgops demo inject` raises the expected alert and `mgops demo
 * outbox` shows the messages that would have gone out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { cli, getJson, sleep, spawnServer, tempDir } from '../helpers.js';

type Row = { metric: string; state: string };

test('mgops start --demo: live matrix within 60 s; demo inject and demo outbox from the CLI', async () => {
  const dir = tempDir('mgops-demo-');
  const server = await spawnServer(dir, ['--demo', '--auth', 'off']);
  try {
    // a loaded machine may need longer than spawnServer waits
    for (let i = 0; i < 120; i++) {
      const ok = await fetch(`${server.url}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(500);
    }
    const started = Date.now();
    let live = 0;
    while (Date.now() - started < 60_000) {
      const rows = (await getJson<{ rows: Row[] }>(`${server.url}/api/v1/matrix`)).rows;
      live = rows.filter((r) => r.state !== 'insufficient' && r.state !== 'no_data').length;
      if (live > rows.length / 2) break;
      await sleep(1000);
    }
    console.log(`live matrix rows after ${Date.now() - started} ms: ${live}`);
    assert.ok(live > 10, `${live} live rows`);
    assert.match(cli(['demo', 'scenarios', '--url', server.url]), /sos-unanswered/);
    assert.match(cli(['demo', 'inject', 'unauthorised-operation', '--url', server.url]), /unauthorised_operation P0/);
    let outbox = '';
    for (let i = 0; i < 40 && !/voice: [1-9]/.test(outbox); i++) {
      await sleep(500);
      outbox = cli(['demo', 'outbox', '--url', server.url]);
    }
    assert.match(outbox, /voice: [1-9]/);
    assert.match(outbox, /sms: [1-9]/);
    assert.match(outbox, /dingtalk: [1-9]/);
    const alerts = await getJson<{ metricId: string; level: string }[]>(`${server.url}/api/alerts`);
    assert.ok(alerts.some((a) => a.metricId === 'unauthorised_operation' && a.level === 'P0'), 'the P0 shows in GET /api/alerts');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
