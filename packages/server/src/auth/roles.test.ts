import { test } from 'node:test';
import assert from 'node:assert/strict';
import { can, requiredPermission } from './roles.js';

test('the demo API is behind login: reading needs read, injecting faults needs alerts:act', () => {
  assert.equal(requiredPermission('GET', '/api/demo/outbox'), 'read');
  assert.equal(requiredPermission('POST', '/api/demo/scenarios/dify-outage'), 'alerts:act');
  assert.equal(requiredPermission('DELETE', '/api/demo/scenarios/dify-outage'), 'alerts:act');
  assert.equal(can('viewer', 'alerts:act'), false);
  assert.equal(can('ops', 'alerts:act'), true);
});

test('ingest stays key-authenticated; channels are admin-only', () => {
  assert.equal(requiredPermission('POST', '/api/v1/events'), null);
  assert.equal(requiredPermission('GET', '/api/v1/events'), 'read');
  assert.equal(requiredPermission('PUT', '/api/settings/channels/dingtalk'), 'channels:edit');
  assert.equal(can('developer', 'channels:edit'), false);
  assert.equal(can('admin', 'channels:edit'), true);
});
