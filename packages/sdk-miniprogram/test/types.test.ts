/**
 * The hand-written types shipped in dist/index.d.ts stay in step with the source: the source
 * `mg` must be assignable to the declared `Mg` (checked by tsc), and the bundle must export
 * what the declaration says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mg as Declared, MgOptions as DeclaredOptions } from '../types/index.js';
import { mg, EXIT_STEP, type MgOptions } from '../src/index.js';

// every member but init (whose options differ only in how strictly beforeSend's event is typed)
const declared: Omit<Declared, 'init'> = mg;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const optionsMatch: Same<keyof DeclaredOptions, keyof MgOptions> = true;
const opts: Omit<DeclaredOptions, 'beforeSend'> = { endpoint: 'https://ops.example.com', key: 'k', features: { mood: { level: ['low', 'high'] } } };
const sourceOpts: MgOptions = opts as MgOptions;

test('declared types match the source', () => {
  assert.equal(declared.version, mg.version);
  assert.equal(optionsMatch, true);
  assert.equal(EXIT_STEP, '(exit)');
  assert.equal(sourceOpts.endpoint, 'https://ops.example.com');
});
