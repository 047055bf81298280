import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFingerprint, groupError, parseFrames } from './stack.js';

const V8_STACK = [
  '    at li.onSubmit (https://servicewechat.com/wx0123456789abcdef/12/appservice/pages/checkin/index.js:41:17)',
  '    at Object.i (https://lib/WAServiceMainContext.js:1:200)',
  '    at https://usr/app-service.js:3:9',
].join('\n');
const JSC_STACK = 'onSubmit@https://servicewechat.com/wx0123456789abcdef/12/appservice/pages/checkin/index.js:41:17\ni@[native code]';

test('V8 and JavaScriptCore frames: function, file relative to the package, line and column', () => {
  assert.deepEqual(parseFrames(V8_STACK), [
    { fn: 'li.onSubmit', file: 'pages/checkin/index.js', line: 41, col: 17 },
    { fn: 'Object.i', file: 'WAServiceMainContext.js', line: 1, col: 200 },
    { fn: '?', file: 'app-service.js', line: 3, col: 9 },
  ]);
  assert.deepEqual(parseFrames(JSC_STACK), [{ fn: 'onSubmit', file: 'pages/checkin/index.js', line: 41, col: 17 }], '[native code] has no position');
});

test('a js_error gets a canonical stack and a fingerprint that folds numbers and ignores positions', () => {
  const a = { type: 'js_error', message: "Cannot read property 'mood' of null (item 3)", stack: V8_STACK } as { type: string; message: string; stack: string; fingerprint?: string };
  groupError(a);
  assert.equal(a.stack.split('\n')[0], 'at li.onSubmit (pages/checkin/index.js:41:17)');
  assert.ok(a.fingerprint);
  // the same error in another build (other line numbers, another item number): the same group
  const b = { type: 'js_error', message: "Cannot read property 'mood' of null (item 12)", stack: V8_STACK.replace(':41:17', ':52:3') } as typeof a;
  groupError(b);
  assert.equal(b.fingerprint, a.fingerprint);
  // another function at the top: another group
  const c = { type: 'js_error', message: a.message, stack: V8_STACK.replace('li.onSubmit', 'li.onSave') } as typeof a;
  groupError(c);
  assert.notEqual(c.fingerprint, a.fingerprint);
  // a fingerprint sent by an older SDK is kept; other event types are untouched
  const old = { type: 'js_error', message: 'x', fingerprint: 'given' };
  groupError(old);
  assert.equal(old.fingerprint, 'given');
  const other = { type: 'crash', message: 'x' } as { type: string; message: string; fingerprint?: string };
  groupError(other);
  assert.equal(other.fingerprint, undefined);
  // the function the SDKs before 0.2 computed: same value for the same message and frames
  assert.equal(errorFingerprint('bad 7', []), errorFingerprint('bad 12', []));
});

test('a failed cloud function\'s or database request\'s error (Node SDK) is grouped the same way', () => {
  const stack = 'TypeError: [text]\n    at checkin (/var/user/index.js:12:9)\n    at async main (/var/user/index.js:40:3)';
  const a = { type: 'function_invocation', error: { type: 'TypeError', message: 'cannot save mood 12', stack } as { type: string; message: string; stack: string; fingerprint?: string } };
  groupError(a);
  assert.equal(a.error.stack, 'at checkin (var/user/index.js:12:9)\nat async main (var/user/index.js:40:3)', 'frames only, the message line dropped');
  const b = { type: 'db_query', error: { type: 'TypeError', message: 'cannot save mood 7', stack: stack.replace(':12:9', ':14:2') } as typeof a.error };
  groupError(b);
  assert.equal(b.error.fingerprint, a.error.fingerprint, 'same type, message and functions: one group');
  const c = { type: 'function_invocation', error: { type: 'RangeError', message: 'cannot save mood 12' } as typeof a.error };
  groupError(c);
  assert.notEqual(c.error.fingerprint, a.error.fingerprint, 'another error type: another group');
  const ok = { type: 'function_invocation' } as { type: string; error?: typeof a.error };
  groupError(ok);
  assert.equal(ok.error, undefined);
});
