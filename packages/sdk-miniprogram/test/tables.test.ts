/**
 * The bundle is built without sdk-core's server-side.ts (event types and fields only the Node SDK
 * emits): every event the mini-program SDK sends must therefore be prioritised, sampled and cut by
 * the lists that stay in the bundle. Fails when the SDK starts sending a type or field that only
 * the server-side lists know, which would be queued, sampled or cut differently in the bundle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EVENT_SCHEMAS, type EventType } from '@mgops/protocol';
import { SERVER_HIGH, SERVER_LIMITS, SERVER_SAMPLEABLE } from '../../sdk-core/src/server-side.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const sent = new Set<string>(['log']); // the core's drop report
for (const f of readdirSync(src)) for (const m of readFileSync(src + f, 'utf8').matchAll(/type: '([a-z_]+)'/g)) sent.add(m[1] as string);

test('the mini-program sends no event type that only the server-side lists classify', () => {
  assert.ok(sent.has('api_request') && sent.has('crash') && sent.size >= 12, [...sent].join(' '));
  const server = (SERVER_HIGH + ' ' + SERVER_SAMPLEABLE).split(' ');
  assert.deepEqual([...sent].filter((t) => server.includes(t)), []);
});

test('no field of those events has its length limit in the server-side lists', () => {
  const fields = new Set<string>();
  for (const t of sent) for (const k of Object.keys(EVENT_SCHEMAS[t as EventType].properties)) fields.add(k);
  const server = SERVER_LIMITS.flatMap((spec) => spec.split(' ').slice(1));
  assert.deepEqual([...fields].filter((k) => server.includes(k)), []);
});
