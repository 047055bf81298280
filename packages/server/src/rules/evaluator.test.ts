import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupKey, labelValue } from './evaluator.js';

test('dimension values become labels: templates and release names as they are, personal data masked', () => {
  assert.equal(labelValue('/api/checkin/:id'), '/api/checkin/:id');
  assert.equal(labelValue('2.4.0'), '2.4.0');
  assert.equal(labelValue('HUAWEI Mate 60'), 'HUAWEI Mate 60');
  const leaked = labelValue('/api/user/13812345678');
  assert.ok(!leaked.includes('13812345678'), leaked);
  assert.ok(!labelValue('10.20.30.40').includes('10.20.30.40'));
  assert.equal(groupKey('api_response_time', 'route', '/api/checkin/:id'), 'api_response_time{route=/api/checkin/:id}');
});
