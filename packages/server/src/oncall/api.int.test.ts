/**
 * The directory API on a real platform (alerting + dashboard, DingTalk stand-in verifying
 * signatures): edits change who the next page rings and who is on call, survive restarts, are
 * audited (masked), bad input changes nothing, and only the right roles may edit; with two
 * platforms on one PostgreSQL schema, an edit through one is answered and paged by the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { envelope, post, sleep, startPlatform, tempDir, testConfig, type TestPlatform } from '../../test/helpers.js';
import { alertingPlugin } from '../alerting/plugin.js';
import { Users } from '../auth/users.js';
import type { Config } from '../config/schema.js';
import { dashboardPlugin } from '../dashboard/plugin.js';
import { PgDirectory } from '../storage/postgres/directory.js';
import { startDingTalkReceiver, type DingTalkReceiver } from '../notify/standins/dingtalk.js';

const H = 3_600_000;
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
type Json = Record<string, unknown>;
type Audit = { entries: { at: number; actor: string; action: string; target: string; before: unknown; after: unknown; note?: string }[] };
type People = { people: { id: string; name: string; mobile: string | null }[] };
type Oncall = { rotations: { id: string; onCall: { id: string } | null }[] };

function config(ding: DingTalkReceiver, edit?: (c: Config) => void, pgSchema?: string): Config {
  return testConfig((c) => {
    if (pgSchema) c.storage = { engine: 'postgres', postgresUrl: PG_URL, postgresSchema: pgSchema };
    c.channels = { dingtalk: { groups: { ops: { robots: [{ webhook: ding.webhookFor('dir'), secret: 'SECdir' }] } } } };
    c.people = [
      { id: 'alice', name: 'Alice', roles: ['ops_engineer'], mobile: '13800000001', email: 'alice@mindguard.example' },
      { id: 'lin', name: 'Lin', roles: ['ops_lead'], mobile: '13800000003' },
    ];
    c.oncall = { rotations: [{ id: 'ops', role: 'ops_engineer', layers: [{ name: '24x7', members: ['alice'], start: '2025-01-06T10:00' }] }] };
    for (const level of ['P0', 'P1', 'P2', 'P3'] as const) c.levels[level].channels = ['dingtalk'];
    edit?.(c);
  });
}

const start = (cfg: Config, dataDir: string, auth: 'on' | 'off') =>
  startPlatform({ config: cfg, dataDir, plugins: [alertingPlugin({ evaluateEveryMs: 3_600_000, maxSleepMs: 100 }), dashboardPlugin({ mode: auth, liveEveryMs: 60_000 })] });

function client(tp: TestPlatform, session?: { cookie: string; csrf: string }) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const headers: Record<string, string> = session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(tp.url + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, json: (await r.json()) as Json };
  };
}

for (const engine of ['sqlite', 'postgres'] as const) test(`edits through the API on ${engine}: the next page rings the new mobile and the override person; audited; kept across restarts`, { timeout: 90_000 }, async () => {
  const ding = await startDingTalkReceiver({ robots: [{ accessToken: 'dir', secret: 'SECdir' }] });
  const dataDir = tempDir();
  const schema = engine === 'postgres' ? `mgops_dirapi_${process.pid}_${Math.floor(Math.random() * 1e6)}` : undefined;
  let tp = await start(config(ding, undefined, schema), dataDir, 'off');
  try {
    let api = client(tp);
    const now = Date.now();
    assert.equal(((await api('GET', '/api/settings/people')).json as People).people.find((p) => p.id === 'lin')?.mobile, '138****0003');
    assert.deepEqual(await api('PUT', '/api/settings/people/lin', { mobile: '13900000003' }), { status: 200, json: { id: 'lin', name: 'Lin', roles: ['ops_lead'], mobile: '139****0003', email: null, feishuOpenId: null } });
    assert.equal((await api('POST', '/api/settings/people', { id: 'bob', name: 'Bob', roles: ['ops_engineer'], mobile: '13900000002', email: 'bob@mindguard.example' })).status, 201);
    const override = await api('POST', '/api/settings/oncall/ops/overrides', { person: 'bob', start: now - H, end: now + 2 * H, note: 'stand-in' });
    assert.equal(override.status, 201);
    assert.equal(((await api('GET', '/api/oncall')).json as Oncall).rotations[0]?.onCall?.id, 'bob', '/api/oncall answers the override person');
    assert.equal(((await api('GET', `/api/oncall?at=${now + 3 * H}`)).json as Oncall).rotations[0]?.onCall?.id, 'alice', 'and the rotation after it');

    // bad input: 400 naming the field, nothing changed, nothing audited
    const audited = ((await api('GET', '/api/audit')).json as Audit).entries.length;
    const bad: [string, string, unknown, string][] = [
      ['POST', '/api/settings/people', { id: 'carol', name: 'Carol', roles: ['wizard'] }, 'roles.0'],
      ['PUT', '/api/settings/people/lin', { mobile: 'call me maybe' }, 'mobile'],
      ['PUT', '/api/settings/people/lin', { email: 'lin-at-example' }, 'email'],
      ['PUT', '/api/settings/oncall/ops', { role: 'ops_engineer', layers: [{ name: 'x', members: ['alice', 'ghost'], start: '2025-01-06T10:00' }] }, 'layers.0.members.1'],
      ['POST', '/api/settings/oncall/ops/overrides', { person: 'alice', start: now + H, end: now }, 'end'],
      ['POST', '/api/settings/oncall/ops/swaps', { a: { person: 'alice', start: now, end: now + H }, b: { person: 'ghost', start: now + H, end: now + 2 * H } }, 'b.person'],
      ['POST', '/api/silences', { matcher: { metric: 'x' }, endsAt: now - H }, 'endsAt'],
    ];
    for (const [method, path, body, field] of bad) {
      const r = await api(method, path, body);
      assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}`);
      assert.equal(r.json.field, field);
    }
    assert.equal(((await api('GET', '/api/settings/people')).json as People).people.find((p) => p.id === 'lin')?.mobile, '139****0003');
    assert.equal(((await api('GET', '/api/audit')).json as Audit).entries.length, audited);

    // the next P0 rings the edited directory: the override person and the lead's new number
    assert.equal((await post(tp.url, tp.key, envelope([{ type: 'unauthorised_op', operation: 'export_records', resource: 'checkin', role: 'viewer' }]))).status, 200);
    for (let i = 0; i < 200 && ding.messages.length === 0; i++) await sleep(50);
    assert.deepEqual(ding.messages[0]?.rang.sort(), ['13900000002', '13900000003']);
    const alerts = (await (await fetch(`${tp.url}/api/alerts`)).json()) as { id: string }[];
    assert.equal((await api('POST', `/api/alerts/${alerts[0]?.id}/ack`, { by: 'lin' })).status, 200);
    const silence = await api('POST', '/api/silences', { matcher: { metric: 'unauthorised_operation' }, endsAt: now + H, comment: 'maintenance' });
    assert.equal(silence.status, 201);
    assert.equal((await api('DELETE', `/api/silences/${String(silence.json.id)}`)).status, 200);
    assert.ok(((await api('GET', '/api/silences')).json as unknown as { endsAt: number }[])[0]!.endsAt <= Date.now(), 'the silence has ended');

    const audit = (await api('GET', '/api/audit')).json as Audit;
    assert.deepEqual(audit.entries.map((e) => `${e.actor}: ${e.action} ${e.target}`).reverse(), [
      'config: person.create person:alice', 'config: person.create person:lin', 'config: rotation.create rotation:ops',
    ].concat([
      'person.update person:lin', 'person.create person:bob', 'override.create rotation:ops', 'alert.ack alert:' + alerts[0]?.id, 'silence.create silence:' + String(silence.json.id), 'silence.expire silence:' + String(silence.json.id),
    ].map((x) => `anonymous (auth off): ${x}`)));
    const edits = audit.entries.slice(0, 6);
    assert.ok(edits.every((e) => e.at >= now && e.at <= Date.now()), 'each change has its time');
    assert.equal(((await api('GET', `/api/audit?since=${edits[5]!.at}`)).json as Audit).entries.length, 6, 'since filters by time');
    const lin = audit.entries.find((e) => e.target === 'person:lin');
    assert.deepEqual([(lin?.before as Json).mobile, (lin?.after as Json).mobile], ['138****0003', '139****0003']);
    const text = JSON.stringify(audit);
    for (const secret of ['13900000003', '13900000002', 'bob@mindguard.example']) assert.ok(!text.includes(secret), `the audit holds no ${secret}`);
    assert.equal(((await api('GET', '/api/audit?limit=0')).json as Json).field, 'limit');

    // a restart with the same YAML keeps every edit
    await tp.close();
    tp = await start(config(ding, undefined, schema), dataDir, 'off');
    api = client(tp);
    assert.equal(((await api('GET', '/api/settings/people')).json as People).people.find((p) => p.id === 'lin')?.mobile, '139****0003');
    assert.equal(((await api('GET', '/api/oncall')).json as Oncall).rotations[0]?.onCall?.id, 'bob');
    assert.equal(((await api('GET', '/api/audit')).json as Audit).entries.length, audit.entries.length, 'the YAML is not re-applied');

    // a later YAML change applies to what it changed, audited as config; the API edits stand
    await tp.close();
    tp = await start(config(ding, (c) => ((c.people as Json[])[0]!.name = 'Alice Wang'), schema), dataDir, 'off');
    api = client(tp);
    const people = ((await api('GET', '/api/settings/people')).json as People).people;
    assert.equal(people.find((p) => p.id === 'alice')?.name, 'Alice Wang');
    assert.equal(people.find((p) => p.id === 'lin')?.mobile, '139****0003');
    assert.equal(((await api('GET', '/api/oncall')).json as Oncall).rotations[0]?.onCall?.id, 'bob');
    const latest = ((await api('GET', '/api/audit?limit=1')).json as Audit).entries[0];
    assert.deepEqual([latest?.actor, latest?.action, latest?.target, (latest?.after as Json).name], ['config', 'person.update', 'person:alice', 'Alice Wang']);
  } finally {
    await tp.close();
    await ding.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      const pg = await PgDirectory.open(PG_URL, schema);
      await pg.dropSchema();
      await pg.close();
    }
  }
});

test('with auth on: a viewer reads but cannot edit, ops edit schedules but not people, the admin edits people; the audit names them', { timeout: 60_000 }, async () => {
  const ding = await startDingTalkReceiver({ robots: [{ accessToken: 'dir', secret: 'SECdir' }] });
  const dataDir = tempDir();
  const tp = await start(config(ding), dataDir, 'on');
  try {
    const users = new Users(tp.platform.store);
    await users.upsert('root', 'admin', 'root-password-1');
    await users.upsert('wang', 'ops', 'wang-password-1');
    await users.upsert('guest', 'viewer', 'guest-password-1');
    const as = async (name: string) => {
      const r = await fetch(`${tp.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: `${name}-password-1` }) });
      return client(tp, { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: ((await r.json()) as { csrf: string }).csrf });
    };
    const [root, wang, guest] = [await as('root'), await as('wang'), await as('guest')];
    const now = Date.now();
    const override = { person: 'lin', start: now, end: now + H };
    assert.equal((await guest('GET', '/api/settings/people')).status, 200);
    assert.equal((await guest('PUT', '/api/settings/people/lin', { mobile: '13900000003' })).status, 403);
    assert.equal((await guest('POST', '/api/settings/oncall/ops/overrides', override)).status, 403);
    assert.equal((await wang('PUT', '/api/settings/people/lin', { mobile: '13900000003' })).status, 403);
    assert.equal((await wang('POST', '/api/settings/oncall/ops/overrides', override)).status, 201);
    assert.equal((await root('PUT', '/api/settings/people/lin', { name: 'Lin Hua' })).status, 200);
    assert.equal(((await guest('GET', '/api/settings/people')).json as People).people.find((p) => p.id === 'lin')?.mobile, '138****0003', 'the refused edits changed nothing');
    const audit = (await guest('GET', `/api/audit?since=${now}`)).json as Audit;
    assert.deepEqual(audit.entries.map((e) => [e.actor, e.action]), [['root', 'person.update'], ['wang', 'override.create']]);
  } finally {
    await tp.close();
    await ding.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('two server processes on one PostgreSQL schema: an override and a new mobile made through A are answered and paged by B without a restart; audited once', { timeout: 120_000 }, async (t) => {
  const ding = await startDingTalkReceiver({ robots: [{ accessToken: 'dir', secret: 'SECdir' }] });
  const [dirA, dirB] = [tempDir(), tempDir()];
  const schema = `mgops_dirtwo_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const a = await start(config(ding, undefined, schema), dirA, 'off');
  let b: TestPlatform | undefined;
  try {
    b = await start(config(ding, undefined, schema), dirB, 'off');
    const [apiA, apiB] = [client(a), client(b)];
    const onCallAt = async (api: typeof apiA) => ((await api('GET', '/api/oncall')).json as Oncall).rotations[0]?.onCall?.id;
    const until = async (what: string, cond: () => Promise<boolean>): Promise<number> => {
      const t0 = Date.now();
      while (!(await cond())) {
        if (Date.now() - t0 > 30_000) assert.fail(`never seen: ${what}`);
        await sleep(25);
      }
      return Date.now() - t0;
    };
    assert.equal(await onCallAt(apiB), 'alice');

    // "bob covers tonight", and the lead's new number, made through A
    const now = Date.now();
    assert.equal((await apiA('PUT', '/api/settings/people/lin', { mobile: '13900000003' })).status, 200);
    assert.equal((await apiA('POST', '/api/settings/people', { id: 'bob', name: 'Bob', roles: ['ops_engineer'], mobile: '13900000002' })).status, 201);
    const override = await apiA('POST', '/api/settings/oncall/ops/overrides', { person: 'bob', start: now - H, end: now + 2 * H, note: 'covers tonight' });
    assert.equal(override.status, 201);
    const ms = await until('B: the override made through A', async () => (await onCallAt(apiB)) === 'bob');
    t.diagnostic(`B answered the override made through A after ${ms} ms`);
    assert.equal(((await apiB('GET', '/api/settings/people')).json as People).people.find((p) => p.id === 'lin')?.mobile, '139****0003');

    // B's next page rings the override person and the lead's new number
    assert.equal((await post(b.url, b.key, envelope([{ type: 'unauthorised_op', operation: 'export_records', resource: 'checkin', role: 'viewer' }]))).status, 200);
    for (let i = 0; i < 400 && ding.messages.length === 0; i++) await sleep(50);
    assert.deepEqual(ding.messages[0]?.rang.sort(), ['13900000002', '13900000003']);

    // and back: removing the override through B puts alice on call again at A
    assert.equal((await apiB('DELETE', `/api/settings/oncall/ops/overrides/${String(override.json.id)}`)).status, 200);
    await until('A: the override removed through B', async () => (await onCallAt(apiA)) === 'alice');

    // each change is in the audit once, whichever process is asked; the YAML was applied once
    const edits = ['anonymous (auth off): person.update person:lin', 'anonymous (auth off): person.create person:bob', 'anonymous (auth off): override.create rotation:ops', 'anonymous (auth off): override.delete rotation:ops'];
    for (const api of [apiA, apiB]) {
      const log = ((await api('GET', '/api/audit')).json as Audit).entries.filter((e) => !e.action.startsWith('alert.')).map((e) => `${e.actor}: ${e.action} ${e.target}`).reverse();
      assert.deepEqual(log, ['config: person.create person:alice', 'config: person.create person:lin', 'config: rotation.create rotation:ops', ...edits]);
    }
  } finally {
    await b?.close();
    await a.close();
    await ding.close();
    for (const d of [dirA, dirB]) rmSync(d, { recursive: true, force: true });
    const pg = await PgDirectory.open(PG_URL, schema);
    await pg.dropSchema();
    await pg.close();
  }
});
