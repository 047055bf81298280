/** The `mgops` command as an operator uses it: config checks, ingest keys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, cli, envelope, post, spawnServer, tempDir } from './helpers.js';

function run(args: string[]): { code: number; out: string; err: string } {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    return { code: 0, out, err: '' };
  } catch (e) {
    const x = e as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: x.status, out: x.stdout.toString(), err: x.stderr.toString() };
  }
}

test('check-config accepts the shipped config and names file, line and key of an error', () => {
  const ok = run(['check-config']);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /OK \(26 metrics, 20 matrix rows\)/);
  const dir = tempDir();
  try {
    const file = join(dir, 'bad.yaml');
    const text = readFileSync(join(ROOT, 'config/mindguard.yaml'), 'utf8').replace('P1:\n    ackWithin: 15m', 'P1:\n    ackWithin: soon');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('ackWithin: soon')) + 1;
    const bad = run(['check-config', file]);
    assert.equal(bad.code, 2);
    assert.ok(bad.err.includes(`${file}:${line} levels.P1.ackWithin:`), bad.err);
    // the server refuses to start on it, with the same message
    const start = run(['start', '--config', file, '--data', dir, '--port', '0']);
    assert.equal(start.code, 2);
    assert.ok(start.err.includes(`levels.P1.ackWithin`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ingest keys: created once, listed without the secret, revoked keys are refused', { timeout: 170_000 }, async () => {
  const dir = tempDir();
  try {
    const key = cli(['keys', 'create', '--app', 'mindguard', '--note', 'mini-program', '--data', dir]);
    assert.match(key, /^mgk_[A-Za-z0-9_-]{32}$/);
    const unknownApp = run(['keys', 'create', '--app', 'nope', '--data', dir]);
    assert.equal(unknownApp.code, 2);
    assert.match(unknownApp.err, /unknown app 'nope'/);
    const list = cli(['keys', 'list', '--data', dir]);
    assert.ok(!list.includes(key), 'the key itself is never shown again');
    assert.match(list, /mindguard\tmgk_.{6}…\t.*\tactive\tmini-program/);
    const db = readFileSync(join(dir, 'mgops.db'));
    assert.equal(db.indexOf(Buffer.from(key)), -1, 'only a hash is stored');
    const server = await spawnServer(dir);
    try {
      assert.equal((await post(server.url, key, envelope([{ type: 'feature_use', feature: 'checkin' }]))).status, 200);
      const id = list.split('\t')[0]!;
      cli(['keys', 'revoke', id, '--data', dir]);
      // the collector caches keys for at most 30 s; a fresh server refuses at once
      await server.stop();
      const again = await spawnServer(dir);
      try {
        assert.equal((await post(again.url, key, envelope([{ type: 'feature_use', feature: 'checkin' }]))).status, 401);
      } finally {
        await again.stop();
      }
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
