import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleNotice, T0 } from '../../../test/receivers/sample.js';
import { mergeMessages } from './digest.js';
import { formatShanghai } from './format.js';
import { PARAM, renderAlert, shortScope } from './render.js';

test('times are shown in Asia/Shanghai, across the UTC date line', () => {
  assert.equal(formatShanghai(Date.UTC(2025, 0, 15, 6, 3, 5)), '2025-01-15 14:03:05');
  assert.equal(formatShanghai(Date.UTC(2024, 11, 31, 16, 0, 0)), '2025-01-01 00:00:00');
});

test('a Chinese alert names level, metric, value, threshold, time, deadline and links', () => {
  const m = renderAlert(sampleNotice());
  assert.equal(m.title, '[P1 告警] API响应时间 高于阈值');
  assert.match(m.text, /级别：P1（功能异常/);
  assert.match(m.text, /当前值：1234 ms（阈值 > 1000 ms）/);
  assert.match(m.text, /开始时间：2025-01-15 14:03:05（北京时间）/);
  assert.match(m.text, /请在 15 分钟内确认/);
  assert.match(m.text, /确认告警：https:\/\/ops\.mindguard\.example\/ack\/A7F3K2/);
  assert.deepEqual(m.params, ['P1', 'API响应时间', '1234 ms', '> 1000 ms', '15', 'A7F3K2']);
  assert.equal(m.params[PARAM.alertId], 'A7F3K2');
});

test('a per-dimension alert names its scope in the title and heading, and in short form in the SMS and voice variables', () => {
  const m = renderAlert(sampleNotice({ labels: { route: '/api/checkin/:id' }, scoped: true }));
  assert.equal(m.title, '[P1 告警] API响应时间 · route=/api/checkin/:id 高于阈值');
  assert.match(m.text, /^🟠 P1 告警：API响应时间 · route=\/api\/checkin\/:id\n/);
  assert.match(m.text, /范围：route=\/api\/checkin\/:id/);
  assert.equal(m.params[PARAM.metric], 'API响应时间·/api/checkin/:id');
  assert.equal(renderAlert(sampleNotice({ kind: 'resolved', resolvedAt: T0 + 60_000, labels: { release: '2.4.0' }, scoped: true }), 'en').title, '[P1 RESOLVED] API response time · release=2.4.0');
  // pages lose what every page path repeats, so the page fits the 20 characters of a variable
  assert.deepEqual(['pages/checkin/checkin', 'pages/journal/index', 'pages/sos/detail'].map((page) => shortScope([['page', page]])), ['checkin', 'journal', 'sos/detail']);
  assert.equal(renderAlert(sampleNotice({ labels: { page: 'pages/checkin/checkin' }, scoped: true })).params[PARAM.metric], 'API响应时间·checkin');
  // the overall alert's variable is the name alone
  assert.equal(renderAlert(sampleNotice({ labels: { route: '/api/checkin/:id' } })).params[PARAM.metric], 'API响应时间');
});

test('English is available; resolved notices carry duration and no acknowledge link', () => {
  const m = renderAlert(sampleNotice({ kind: 'resolved', resolvedAt: T0 + 65 * 60_000 }), 'en');
  assert.equal(m.title, '[P1 RESOLVED] API response time');
  assert.match(m.text, /Duration：1h 5m/);
  assert.equal(m.links.ack, undefined);
  assert.ok(!m.html.includes('/ack/'));
});

test('rates below their threshold and detections read naturally', () => {
  const rate = renderAlert(
    sampleNotice({ metric: { id: 'checkin_success_rate', nameZh: '情绪打卡成功率', nameEn: 'Check-in success rate' }, value: 88.456, threshold: 90, unit: '%', direction: 'below', labels: {} }),
  );
  assert.equal(rate.title, '[P1 告警] 情绪打卡成功率 低于阈值');
  assert.match(rate.text, /当前值：88\.46%（阈值 < 90%）/);
  const det = renderAlert(
    sampleNotice({ level: 'P0', metric: { id: 'unauthorised_operation', nameZh: '越权操作', nameEn: 'Unauthorised operations' }, severity: 'detected', value: 3, threshold: 0, unit: 'count', labels: { role: 'viewer', operation: 'export' } }),
  );
  assert.equal(det.title, '[P0 告警] 越权操作 检测到异常');
  assert.match(det.html, /<th[^>]*>范围<\/th><td>role=viewer, operation=export<\/td>/);
});

test('HTML escapes values', () => {
  const m = renderAlert(sampleNotice({ labels: { page: '<script>x</script>' } }));
  assert.ok(!m.html.includes('<script>'));
  assert.ok(m.html.includes('&lt;script&gt;'));
});

test('a digest puts the most urgent first and keeps every alert and its links', () => {
  const a = renderAlert(sampleNotice({ alertId: 'AAA111', level: 'P2' }));
  const b = renderAlert(sampleNotice({ alertId: 'BBB222', level: 'P0' }));
  const d = mergeMessages([a, b]);
  assert.equal(d.kind, 'digest');
  assert.equal(d.level, 'P0');
  assert.equal(d.count, 2);
  assert.ok(d.markdown.indexOf('BBB222') < d.markdown.indexOf('AAA111'));
  assert.ok(d.markdown.includes('(https://ops.mindguard.example/ack/AAA111?t='));
  assert.equal(mergeMessages([d, a]).count, 3);
});

test('a value just past its threshold never reads the same as the threshold (an SOS at 60.04 s against > 60 s)', () => {
  const m = renderAlert(sampleNotice({ metric: { id: 'sos_response_time', nameZh: 'SOS响应时间', nameEn: 'SOS response time' }, unit: 's', value: 60.04, threshold: 60, level: 'P0' }));
  assert.match(m.text, /当前值：60\.04 s（阈值 > 60 s）/);
  const exact = renderAlert(sampleNotice({ unit: 'ms', value: 1234, threshold: 1000 }));
  assert.match(exact.text, /当前值：1234 ms（阈值 > 1000 ms）/, 'a value that already reads differently keeps its usual precision');
});
