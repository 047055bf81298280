/**
 * Authentication in front of the dashboard APIs, over real HTTP: what stays open, sessions and
 * cookie flags, CSRF, the login rate limit, roles, API tokens, and `--auth off` refused off loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envelope, post, startPlatform, testConfig } from '../../test/helpers.js';
import { dashboardPlugin } from '../dashboard/plugin.js';
import { authPlugin } from './plugin.js';
import { Users } from './users.js';
import { hashPassword, verifyPassword } from './password.js';

async function login(url: string, name: string, password: string) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, setCookie, cookie: setCookie.split(';')[0] ?? '', body: (await res.json()) as { csrf?: string; role?: string; code?: string } };
}

test('scrypt hashes verify, wrong passwords do not, and no two hashes are alike', async () => {
  const h = await hashPassword('correct horse battery');
  assert.match(h, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse battery', h), true);
  assert.equal(await verifyPassword('correct horse batterY', h), false);
  assert.notEqual(await hashPassword('correct horse battery'), h);
});

test('dashboard APIs need a session or token; ingest, health and metrics stay as they are', async () => {
  let first = '';
  const tp = await startPlatform({ config: testConfig((c) => (c.server.publicUrl = 'https://ops.example')), plugins: [dashboardPlugin({ onFirstAdmin: (_n, pw) => (first = pw) })] });
  try {
    const { url } = tp;
    for (const path of ['/api/v1/matrix', '/api/v1/metrics', '/api/v1/metrics/page_load_time', '/api/v1/events', '/api/v1/sos', '/api/v1/stream', '/api/settings/channels', '/api/openapi.json']) {
      assert.equal((await fetch(url + path)).status, 401, path);
    }
    assert.equal((await post(url, tp.key, envelope([{ type: 'page_load', page: 'p', duration: 100 }]))).status, 200);
    assert.equal((await post(url, undefined, envelope([{ type: 'page_load', page: 'p', duration: 100 }]))).status, 401);
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.equal((await fetch(url + path)).status, 200, path);

    // first admin with a one-time password; cookie flags (Secure: the public URL is https)
    assert.match(first, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const admin = await login(url, 'admin', first);
    assert.equal(admin.status, 200);
    assert.match(admin.setCookie, /HttpOnly/);
    assert.match(admin.setCookie, /SameSite=Strict/);
    assert.match(admin.setCookie, /Secure/);
    assert.equal((await fetch(`${url}/api/v1/matrix`, { headers: { cookie: admin.cookie } })).status, 200);

    // CSRF: a state-changing request without the token is refused, with it accepted
    const keyReq = (csrf?: string) => fetch(`${url}/api/settings/keys`, { method: 'POST', headers: { cookie: admin.cookie, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) }, body: JSON.stringify({ app: 'mindguard' }) });
    assert.equal((await keyReq()).status, 403);
    assert.equal((await keyReq('wrong')).status, 403);
    assert.equal((await keyReq(admin.body.csrf)).status, 201);

    // roles: a developer reads and acknowledges, but may not edit channels, keys or users
    const users = new Users(tp.platform.store);
    await users.upsert('dev', 'developer', 'dev-password-1');
    const dev = await login(url, 'dev', 'dev-password-1');
    assert.equal(dev.body.role, 'developer');
    assert.equal((await fetch(`${url}/api/alerts`, { headers: { cookie: dev.cookie } })).status, 404); // readable (alerting not plugged in here)
    assert.equal((await fetch(`${url}/api/v1/matrix`, { headers: { cookie: dev.cookie } })).status, 200);
    for (const path of ['/api/settings/channels/dingtalk/test', '/api/settings/keys', '/api/settings/users']) {
      const r = await fetch(url + path, { method: 'POST', headers: { cookie: dev.cookie, 'x-csrf-token': dev.body.csrf ?? '', 'content-type': 'application/json' }, body: '{}' });
      assert.equal(r.status, 403, path);
    }
    assert.equal((await fetch(`${url}/api/settings/users`, { headers: { cookie: dev.cookie } })).status, 403, 'only an admin lists the staff accounts');
    assert.equal((await fetch(`${url}/api/settings/users`, { headers: { cookie: admin.cookie } })).status, 200);

    // API tokens for automation (no CSRF: not a cookie)
    const { token } = await users.createToken('ci-bot', 'viewer');
    assert.equal((await fetch(`${url}/api/v1/matrix`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await fetch(`${url}/api/v1/matrix`, { headers: { authorization: 'Bearer mgt_nope' } })).status, 401);

    // changing one's password needs the current one (and the CSRF token)
    const change = (current: string, next: string) => fetch(`${url}/api/auth/password`, { method: 'POST', headers: { cookie: dev.cookie, 'x-csrf-token': dev.body.csrf ?? '', 'content-type': 'application/json' }, body: JSON.stringify({ current, next }) });
    assert.equal((await change('not-it-at-all', 'dev-password-2')).status, 403);
    assert.equal((await change('dev-password-1', 'dev-password-2')).status, 200);
    assert.equal((await login(url, 'dev', 'dev-password-2')).status, 200);

    // logout ends the session
    assert.equal((await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie: dev.cookie, 'x-csrf-token': dev.body.csrf ?? '' } })).status, 200);
    assert.equal((await fetch(`${url}/api/v1/matrix`, { headers: { cookie: dev.cookie } })).status, 401);

    // login rate limit: 5 failures per user and address per minute, then 429 with Retry-After
    for (let i = 0; i < 5; i++) assert.equal((await login(url, 'admin', 'nope-' + i)).status, 401);
    const limited = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password: first }) });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  } finally {
    await tp.close();
  }
});

test('--auth off is refused unless the server binds to loopback', async () => {
  const tp = await startPlatform({ config: testConfig((c) => (c.server.host = '0.0.0.0')) });
  try {
    await assert.rejects(async () => authPlugin({ mode: 'off' })(tp.platform), /only allowed on a loopback/);
  } finally {
    await tp.close();
  }
});
