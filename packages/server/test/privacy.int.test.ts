/**
 * Privacy at the door: events full of phone numbers, ID numbers, bank cards, e-mails, openids and
 * IPs in every string field are stored masked. The whole data folder (database, WAL, everything)
 * and the server's log output are searched byte by byte for the raw values: none is found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cli, envelope, getJson, post, spawnServer, tempDir } from './helpers.js';

const PII = {
  mobile: '13812345678',
  mobileSpaced: '139 8765 4321',
  idCard: '11010519491231002X',
  bankCard: '6222021234567890128', // Luhn-valid
  email: 'zhang.san@example.com',
  openid: 'oV3Kd5Tq9Xz1Lm8Np2Rs4Tu6Wy0A', // 28 characters, as WeChat issues them
  ipv4: '203.0.113.77',
  userId: 'wx-user-13700001111',
};
const poison = `用户 ${PII.mobile} / ${PII.mobileSpaced} 身份证 ${PII.idCard} 卡号 ${PII.bankCard} 邮箱 ${PII.email} openid ${PII.openid} ip ${PII.ipv4}`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('no raw personal data reaches the disk or the logs', { timeout: 170_000 }, async () => {
  const dataDir = tempDir('mgops-privacy-');
  try {
    const key = cli(['keys', 'create', '--app', 'mindguard', '--data', dataDir]);
    const server = await spawnServer(dataDir);
    let logs = '';
    server.proc.stderr?.on('data', (c: Buffer) => (logs += c.toString()));
    const events = [
      { type: 'js_error', kind: 'error', message: poison, stack: `Error: ${poison}\n    at pages/diary/edit.js:3:1`, page: `pages/profile?phone=${PII.mobile}`, uid: PII.userId, attrs: { [PII.email]: poison, note: poison }, breadcrumbs: [{ t: Date.now(), c: 'nav', m: poison }] },
      { type: 'api_request', side: 'client', route: `/api/user/${PII.mobile}`, duration: 120, ok: false, errMsg: poison, uid: PII.openid },
      { type: 'log', level: 'error', message: poison, logger: `sms-${PII.mobile}` },
      { type: 'auth_failure', source: PII.ipv4, principal: PII.mobile, method: 'sms' },
      { type: 'sensitive_access', category: 'mood_records', records: 3, purpose: `call ${PII.mobile} re ${PII.idCard}`, actor: PII.email },
      { type: 'sos', sosId: `sos-${PII.mobile}`, action: 'triggered', uid: PII.userId },
      { type: 'feature_use', feature: `share-${PII.email}` },
    ];
    const body = envelope(events, { release: `2.3.1-${PII.mobile}`, ctx: { model: `iPhone ${PII.mobile}`, os: 'iOS' } });
    const r = await post(server.url, key, body, { gzip: true });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.accepted, events.length);
    // what the API shows is masked too
    const shown = JSON.stringify(await getJson(`${server.url}/api/v1/events?limit=100`));
    assert.match(shown, /\[mobile\]/);
    assert.match(shown, /\[id\]/);
    assert.match(shown, /\[card\]/);
    assert.match(shown, /\[email\]/);
    assert.match(shown, /\[openid\]/);
    assert.match(shown, /203\.0\.113\.0/);
    const m = await getJson<{ value: number }>(`${server.url}/api/v1/metrics/data_leak_risk`);
    assert.ok(m.value > 0, 'masked personal data counts as a data-leak risk');
    assert.equal(await server.stop('SIGTERM'), 0);

    const raws = Object.values(PII).flatMap((v) => [v, v.replace(/ /g, '')]);
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const raw of raws) assert.equal(bytes.indexOf(Buffer.from(raw)), -1, `${raw} found in ${file}`);
    }
    for (const raw of raws) assert.ok(!logs.includes(raw) && !shown.includes(raw), `${raw} found in logs or API output`);
    assert.ok(!logs.includes(key), 'the ingest key appears in the logs');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
