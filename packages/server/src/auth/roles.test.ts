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
  assert.equal(requiredPermission('GET', '/api/funnels'), 'read');
  assert.equal(requiredPermission('GET', '/api/errors'), 'read');
  assert.equal(requiredPermission('PUT', '/api/settings/channels/dingtalk'), 'channels:edit');
  assert.equal(can('developer', 'channels:edit'), false);
  assert.equal(can('admin', 'channels:edit'), true);
});

test('the staff account list is admin-only, even to read', () => {
  assert.equal(requiredPermission('GET', '/api/settings/users'), 'users:edit');
  assert.equal(requiredPermission('GET', '/api/settings/keys'), 'read');
  assert.equal(can('viewer', 'users:edit'), false);
});

test('people are admin-only; on-call schedules: admin and ops; the audit log is read by every role', () => {
  assert.equal(requiredPermission('PUT', '/api/settings/people/:id'), 'people:edit');
  assert.equal(requiredPermission('POST', '/api/settings/oncall/:id/overrides'), 'oncall:edit');
  assert.equal(requiredPermission('DELETE', '/api/silences/:id'), 'silences:edit');
  assert.equal(requiredPermission('GET', '/api/audit'), 'read');
  assert.equal(can('ops', 'oncall:edit'), true);
  assert.equal(can('ops', 'people:edit'), false);
  assert.equal(can('developer', 'oncall:edit'), false);
  assert.equal(can('viewer', 'silences:edit'), false);
});
