import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, DEFAULT_CONFIG_PATH, parseConfig } from './load.js';

const text = readFileSync(DEFAULT_CONFIG_PATH, 'utf8');
const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function issues(t: string) {
  try {
    parseConfig(t, 'mindguard.yaml');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.issues;
  }
  assert.fail('expected a config error');
}

test('the shipped MindGuard config is valid and reports its legal shortfalls as warnings', () => {
  const { config, warnings } = parseConfig(text, 'mindguard.yaml');
  assert.equal(config.matrix.length, 20);
  assert.equal(Object.keys(config.metrics).length, 26);
  assert.deepEqual(warnings.map((w) => w.key).sort(), ['retention.business', 'retention.system']);
  assert.match(warnings[0]!.message, /Cybersecurity Law/);
});

test('a wrong type names file, line and key', () => {
  const bad = text.replace('page_load_time:          { warn: 1500,', 'page_load_time:          { warn: "fast",');
  const [i] = issues(bad);
  assert.equal(i!.file, 'mindguard.yaml');
  assert.equal(i!.key, 'metrics.page_load_time.warn');
  assert.equal(i!.line, lineOf('page_load_time:          {'));
});

test('semantic errors: unknown metric, crit on the wrong side of warn, bad duration', () => {
  assert.ok(issues(text.replace('  crash_rate:  ', '  crash_ratio: ')).some((i) => i.key === 'metrics.crash_ratio'));
  const flipped = issues(text.replace('db_query_time:           { warn: 100, crit: 200', 'db_query_time:           { warn: 300, crit: 200'));
  assert.equal(flipped[0]!.key, 'metrics.db_query_time.crit');
  const dur = issues(text.replace('maxEventAge: 7d', 'maxEventAge: a week'));
  assert.equal(dur[0]!.key, 'ingest.maxEventAge');
  assert.equal(dur[0]!.line, lineOf('maxEventAge:'));
});

test('YAML syntax errors carry their line', () => {
  const [i] = issues('server:\n  port: 8080\n  host: [unclosed\n');
  assert.ok(i!.line >= 3);
});

test('a misspelt role in a level\'s notify list is an error naming the entry, not a silent page to nobody', () => {
  const bad = text.replace('notify: [all:ops_engineer]', 'notify: [all:ops_enginer]');
  assert.notEqual(bad, text);
  const [i] = issues(bad);
  assert.equal(i!.key, 'levels.P3.notify.0');
  assert.match(i!.message, /unknown role 'ops_enginer'/);
  assert.equal(i!.line, lineOf('notify: [all:ops_engineer]'));
});

test('alertBy: a dimension the metric is not recorded by, or a detector metric, is an error naming the entry', () => {
  const line = 'api_response_time:       { warn: 500, crit: 1000, warnLevel: P2, critLevel: P1, window: 5m, minSamples: 50, responder: backend_developer, alertBy: [route] }';
  assert.ok(text.includes(line));
  const [i] = issues(text.replace(line, line.replace('alertBy: [route]', 'alertBy: [route, model]')));
  assert.equal(i!.key, 'metrics.api_response_time.alertBy.1');
  assert.match(i!.message, /cannot be alerted by 'model'; its dimensions: route, release/);
  assert.equal(i!.line, lineOf(line));
  const custom = issues(text.replace('responder: security_engineer }', 'responder: security_engineer, alertBy: [source] }'));
  assert.equal(custom[0]!.key, 'metrics.abnormal_access.alertBy.0');
  assert.match(custom[0]!.message, /detector/);
  const twice = issues(text.replace('alertBy: [fn] }', 'alertBy: [fn, fn] }'));
  assert.equal(twice[0]!.key, 'metrics.cloud_function_duration.alertBy.1');
});

test('funnels: the check-in flow ships; a bad funnel entry names file, line and key', () => {
  const { config } = parseConfig(text, 'mindguard.yaml');
  assert.deepEqual(config.funnels?.flows.checkin, ['open', 'choose_mood', 'submit', 'success']);
  const line = '    checkin: [open, choose_mood, submit, success]';
  assert.ok(text.includes(line));
  const twice = issues(text.replace(line, '    checkin: [open, choose_mood, submit, open]'));
  assert.deepEqual(twice.map((i) => [i.file, i.key, i.line]), [['mindguard.yaml', 'funnels.flows.checkin.3', lineOf(line)]]);
  assert.match(twice[0]!.message, /'open' is listed twice/);
  const notList = issues(text.replace(line, '    checkin: open'));
  assert.equal(notList[0]!.key, 'funnels.flows.checkin');
  assert.equal(notList[0]!.line, lineOf(line));
  const badTimeout = issues(text.replace('  timeout: 30m', '  timeout: half an hour'));
  assert.equal(badTimeout[0]!.key, 'funnels.timeout');
  assert.equal(badTimeout[0]!.line, lineOf('  timeout: 30m'));
});
