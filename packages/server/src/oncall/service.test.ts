import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryDirectoryStore } from './memory.js';
import type { Person, Rotation } from './model.js';
import { DirectoryService } from './service.js';
import { maskEmail, maskMobile } from './mask.js';

const T0 = Date.UTC(2026, 0, 5, 2, 0); // a Monday, 10:00 Shanghai
const H = 3_600_000;
const people: Person[] = [
  { id: 'alice', name: 'Alice', roles: ['ops_engineer'], mobile: '13800000001', email: 'alice@mindguard.example' },
  { id: 'bob', name: 'Bob', roles: ['ops_engineer'], mobile: '13800000002' },
  { id: 'lin', name: 'Lin', roles: ['ops_lead'], mobile: '13800000003' },
];
const rotations: Rotation[] = [{ id: 'ops', role: 'ops_engineer', layers: [{ name: '24x7', members: ['alice', 'bob'], start: T0, handoffMs: 7 * 24 * H }], overrides: [] }];
const clone = <T>(x: T): T => structuredClone(x);

test('masks keep only what identifies nobody: 138****0001, a***@domain', () => {
  assert.equal(maskMobile('13800000001'), '138****0001');
  assert.equal(maskMobile('+86 138 0000 0001'), '861******0001');
  assert.equal(maskEmail('alice@mindguard.example'), 'a***@mindguard.example');
});

test('the YAML seeds an empty directory once, audited as config; an unchanged YAML is not re-applied', async () => {
  const store = new InMemoryDirectoryStore();
  const a = await DirectoryService.open(store, { people: clone(people), rotations: clone(rotations) }, () => T0);
  assert.deepEqual(a.listPeople().map((p) => p.id), ['alice', 'bob', 'lin']);
  const log = await store.list({ limit: 100 });
  assert.equal(log.length, 4);
  assert.ok(log.every((e) => e.actor === 'config'));
  assert.ok(!JSON.stringify(log).includes('13800000001'), 'no full mobile in the audit');
  await a.updatePerson('lin', { mobile: '13900000003' }, 'admin');
  const b = await DirectoryService.open(store, { people: clone(people), rotations: clone(rotations) }, () => T0 + H);
  assert.equal(b.listPeople().find((p) => p.id === 'lin')?.mobile, '13900000003', 'the API edit survives a restart with the same YAML');
  assert.equal((await store.list({ limit: 100 })).length, 5);
});

test('a YAML change applies to what it changed; API edits elsewhere stand; a replaced API edit is kept in the audit', async () => {
  const store = new InMemoryDirectoryStore();
  const a = await DirectoryService.open(store, { people: clone(people), rotations: clone(rotations) }, () => T0);
  await a.updatePerson('lin', { mobile: '13900000003' }, 'admin');
  await a.updatePerson('bob', { mobile: '13900000002' }, 'admin');
  const o = await a.addOverride('ops', { person: 'lin', start: T0 + H, end: T0 + 2 * H }, 'wang');
  const yaml = clone(people);
  yaml[1] = { ...yaml[1]!, mobile: '13700000002' }; // bob changed in YAML too
  yaml[0] = { ...yaml[0]!, name: 'Alice Wang' };
  const rot = clone(rotations);
  rot[0]!.layers[0]!.members = ['bob', 'alice'];
  const b = await DirectoryService.open(store, { people: yaml, rotations: rot }, () => T0 + H);
  const byId = (id: string) => b.listPeople().find((p) => p.id === id);
  assert.equal(byId('lin')?.mobile, '13900000003', 'YAML did not change lin: the API edit stands');
  assert.equal(byId('alice')?.name, 'Alice Wang');
  assert.equal(byId('bob')?.mobile, '13700000002', 'YAML changed bob: YAML wins');
  const ops = b.listRotations()[0]!;
  assert.deepEqual(ops.layers[0]?.members, ['bob', 'alice']);
  assert.deepEqual(ops.overrides.map((x) => x.id), [o.id], 'the API override survives the YAML change of its rotation');
  assert.equal(b.directory.onCall('ops_engineer', T0 + H + 1)?.id, 'lin');
  const replaced = (await store.list({ limit: 100 })).find((e) => e.target === 'person:bob' && e.actor === 'config');
  assert.match(replaced?.note ?? '', /replaces an API edit/);
  assert.equal((replaced?.before as { mobile: string }).mobile, '139****0002', 'the edit it replaced is in the audit (masked)');
});

test('edits take effect in the live directory at once; bad input changes nothing', async () => {
  const store = new InMemoryDirectoryStore();
  const s = await DirectoryService.open(store, { people: clone(people), rotations: clone(rotations) }, () => T0);
  assert.equal(s.directory.onCall('ops_engineer', T0 + H)?.id, 'alice');
  await s.addSwap('ops', { a: { person: 'alice', start: T0, end: T0 + 7 * 24 * H }, b: { person: 'bob', start: T0 + 7 * 24 * H, end: T0 + 14 * 24 * H } }, 'wang');
  assert.equal(s.directory.onCall('ops_engineer', T0 + H)?.id, 'bob');
  assert.equal(s.directory.onCall('ops_engineer', T0 + 8 * 24 * H)?.id, 'alice');
  const n = (await store.list({ limit: 100 })).length;
  await assert.rejects(s.updatePerson('lin', { mobile: 'call me' }, 'admin'), { field: 'mobile' });
  await assert.rejects(s.createPerson({ id: 'x', name: 'X', roles: ['wizard'] }, 'admin'), { field: 'roles.0' });
  await assert.rejects(s.updateRotation('ops', { role: 'ops_engineer', layers: [{ name: 'l', members: ['alice', 'ghost'], start: T0 }] }, 'admin'), { field: 'layers.0.members.1' });
  await assert.rejects(s.addOverride('ops', { person: 'bob', start: T0 + H, end: T0 + H }, 'admin'), { field: 'end' });
  await assert.rejects(s.addSwap('ops', { a: { person: 'alice', start: T0, end: T0 + H }, b: { person: 'ghost', start: T0 + H, end: T0 + 2 * H } }, 'admin'), { field: 'b.person' });
  await assert.rejects(s.deletePerson('bob', 'admin'), { code: 'CONFLICT' });
  await assert.rejects(s.updatePerson('lin', { phone: '13900000003' }, 'admin'), { field: 'phone' });
  assert.equal((await store.list({ limit: 100 })).length, n, 'nothing audited, nothing changed');
  assert.equal(s.listPeople().find((p) => p.id === 'lin')?.mobile, '13800000003');
});

test('two processes sharing a store: an edit through one reaches the other without a restart; simultaneous overrides are both kept', async () => {
  const store = new InMemoryDirectoryStore();
  const a = await DirectoryService.open(store, { people: clone(people), rotations: clone(rotations) }, () => T0);
  const b = await DirectoryService.open(store, { people: clone(people), rotations: clone(rotations) }, () => T0);
  b.follow(20);
  try {
    assert.equal(b.directory.onCall('ops_engineer', T0 + H)?.id, 'alice');
    await a.addOverride('ops', { person: 'bob', start: T0, end: T0 + 2 * H, note: 'carol is ill' }, 'wang');
    await a.updatePerson('bob', { mobile: '13900000002' }, 'admin');
    for (let i = 0; i < 500 && b.directory.person('bob')?.mobile !== '13900000002'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(b.directory.onCall('ops_engineer', T0 + H)?.mobile, '13900000002', 'b pages the override person on the new number');
    assert.equal(b.listPeople().find((p) => p.id === 'bob')?.mobile, '13900000002');
    const [x, y] = await Promise.all([
      a.addOverride('ops', { person: 'lin', start: T0 + 3 * H, end: T0 + 4 * H }, 'wang'),
      b.addOverride('ops', { person: 'alice', start: T0 + 5 * H, end: T0 + 6 * H }, 'li'),
    ]);
    const stored = (await store.snapshot()).rotations[0]?.overrides.map((o) => o.id);
    assert.deepEqual(stored?.slice(1).sort(), [x.id, y.id].sort(), 'neither override overwrote the other');
    assert.equal((await store.list({ limit: 100 })).filter((e) => e.action === 'override.create').length, 3, 'each audited once');
  } finally {
    await b.close();
  }
});
