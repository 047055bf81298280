import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docShape, sqlInfo, sqlShape, stagesShape } from './shape.js';

test('document shapes keep keys and operators, never values', () => {
  assert.equal(docShape('{"mood":{"$gt":{"$numberInt":"3"}},"uid":"oAbc","tags":{"$in":["a","b"]}}'), '{mood:{$gt},uid,tags:{$in}}');
  assert.equal(docShape({ $or: [{ a: 1 }, { b: { $lt: 2 } }] }), '{$or:[{a},{b:{$lt}}]}');
  assert.equal(docShape({ '13812345678': true }), '{###########}');
  assert.equal(docShape('not json'), undefined);
  assert.equal(stagesShape([{ stageKey: '$match', stageValue: '{"day":{"$gte":1}}' }, { stageKey: '$group', stageValue: '{"_id":"$uid","n":{"$sum":1}}' }]), '$match{day:{$gte}}|$group{_id,n:{$sum}}');
});

test('SQL shapes: literals out, lists collapsed, table and operation found', () => {
  assert.equal(sqlShape("SELECT * FROM users WHERE phone = '13812345678' AND id IN (1, 2, 3) -- c"), 'SELECT * FROM users WHERE phone = ? AND id IN (?)');
  assert.equal(sqlShape('UPDATE t SET a = $1 WHERE id = $2'), 'UPDATE t SET a = ? WHERE id = ?');
  assert.deepEqual(sqlInfo('insert into "public"."mood" (a) values (1)'), { op: 'insert', table: 'public.mood', shape: 'insert into "public"."mood" (a) values (?)' });
  assert.equal(sqlInfo('DELETE FROM sos WHERE id = 1').table, 'sos');
  assert.equal(sqlInfo('CREATE TABLE IF NOT EXISTS x1 (id int)').table, 'x1');
  assert.equal(sqlInfo('SELECT 1').table, '(none)');
  assert.equal(sqlInfo('BEGIN').table, '(begin)');
});
