/**
 * The dashboard in headless Chromium against the real platform with real data: log in; a matrix
 * row turns red when posted events breach a threshold (live, no reload); acknowledge the alert
 * and see its timeline update live; switch to English; a developer is refused channel edits in
 * the UI and by the API. Writes screenshots of every page at desktop and phone width.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { envelope, post } from '../helpers.js';
import { seedDay } from './demo.js';
import { apiSession, DESKTOP, launch, login, newPage, PHONE, SHOTS, startDashboard } from './kit.js';

const shot = async (page: Page, name: string, width: 'desktop' | 'phone') => {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: width === 'desktop' });
};

test('dashboard: login, live matrix, acknowledge with live timeline, English, developer refused channel edits, screenshots', { timeout: 180_000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const d = await startDashboard();
  const browser = await launch();
  try {
    await seedDay(d.url, d.key, Date.now(), { hours: 24, slotMinutes: 30 });
    await d.platform.rollups.flush();
    await d.users.upsert('dev', 'developer', 'dev-password-123');

    // --- log in (a wrong password is refused in place) ---
    const { ctx, page } = await newPage(browser, DESKTOP);
    await page.goto(d.url + '/');
    await page.fill('input[name=name]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('.login .error');
    assert.match((await page.textContent('.login .error')) ?? '', /用户名或密码错误/);
    await shot(page, 'login', 'desktop');
    await login(page, d.url, d.admin, d.adminPassword);
    assert.equal(await page.textContent('nav a[data-page=overview]'), '总览');

    // --- the matrix turns red live when a scenario breaches a threshold ---
    const row = 'tr[data-metric=page_load_time]';
    await page.waitForSelector(row);
    assert.notEqual(await page.getAttribute(row, 'data-state'), 'critical');
    // the responder is the role's name in the UI language, not its config id
    assert.match((await page.textContent(row)) ?? '', /前端开发/);
    assert.doesNotMatch((await page.textContent('[data-testid=matrix]')) ?? '', /_developer|_engineer|ops_lead/);
    const slow = Array.from({ length: 40 }, (_, i) => ({ type: 'page_load', page: 'pages/checkin/checkin', duration: 4200 + i * 10 }));
    assert.equal((await post(d.url, d.key, envelope(slow))).status, 200);
    await page.waitForSelector(`${row}[data-state=critical]`, { timeout: 20_000 });
    assert.match((await page.textContent(`${row} .pill`)) ?? '', /严重 P1/);
    // the alert appears in the overview with its response clock, without a reload
    await page.waitForSelector('.alerts-mini li.lv-P1', { timeout: 20_000 });
    assert.match((await page.textContent('.alerts-mini li.lv-P1')) ?? '', /页面加载时间[\s\S]*内需确认/);
    // the slow page is also judged on its own (alertBy: page); that alert names its scope
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.alerts-mini li')).some((li) => li.textContent?.includes('页面加载时间 · page=pages/checkin/checkin')), undefined, { timeout: 20_000 });
    // an SOS opens with a live timer in the SOS panel (pseudonymous id only)
    assert.equal((await post(d.url, d.key, envelope([{ type: 'sos', sosId: 'sos-e2e-000142', action: 'triggered' }]))).status, 200);
    await page.waitForSelector('[data-testid=sos] .sos-list li', { timeout: 10_000 });
    const sosText = (await page.textContent('[data-testid=sos] .sos-list li')) ?? '';
    assert.match(sosText, /^SOS-[0-9a-f]{8}/);
    assert.doesNotMatch(sosText, /sos-e2e-000142/);
    const timer1 = await page.textContent('[data-testid=sos] .timer');
    await page.waitForFunction((t) => document.querySelector('[data-testid=sos] .timer')?.textContent !== t, timer1);
    await shot(page, 'overview', 'desktop');

    // --- acknowledge in the UI; the timeline updates; a resolve from elsewhere shows up live ---
    await page.click('.alerts-mini li.lv-P1 a');
    await page.waitForSelector('[data-testid=alert-detail][data-status=firing]');
    const alertId = decodeURIComponent(page.url().split('#/alerts/')[1] ?? '');
    await page.click('[data-testid=ack]');
    await page.waitForSelector('[data-testid=timeline] li[data-kind=acknowledged]');
    assert.match((await page.textContent('[data-testid=alert-detail]')) ?? '', /确认人[\s\S]*admin/);
    await shot(page, 'alert-detail', 'desktop');
    const dev = await apiSession(d.url, 'dev', 'dev-password-123');
    const resolved = await fetch(`${d.url}/api/alerts/${alertId}/resolve`, { method: 'POST', headers: { cookie: dev.cookie, 'x-csrf-token': dev.csrf, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(resolved.status, 200);
    await page.waitForSelector('[data-testid=timeline] li[data-kind=resolved]', { timeout: 10_000 });
    await page.waitForSelector('[data-testid=alert-detail][data-status=resolved]');

    // --- the other pages, then English ---
    for (const [hash, name, ready] of [
      ['#/alerts', 'alerts', '[data-testid=alert-list], .state.empty'],
      ['#/metrics/page_load_time', 'metrics', '.chart canvas'],
      ['#/client', 'client', '.errors'],
      ['#/server', 'server', '[data-testid=errors-server] .errors'],
      ['#/oncall', 'oncall', '.rot'],
      ['#/settings', 'settings', '[data-testid=channels] table'],
    ] as const) {
      await page.goto(`${d.url}/${hash}`);
      await page.waitForSelector(ready);
      await shot(page, name, 'desktop');
    }
    // the Server page: failing cloud functions grouped by fingerprint, per function, with counts
    await page.goto(`${d.url}/#/server`);
    await page.waitForSelector('[data-testid=errors-server] .errors');
    const serverErrors = (await page.textContent('[data-testid=errors-server]')) ?? '';
    assert.match(serverErrors, /云函数与数据库错误（按指纹分组）/);
    assert.match(serverErrors, /\d+× fn:riskScore Error: Dify workflow timed out after 3000ms \(ETIMEDOUT\) · 最近/);
    assert.match(serverErrors, /\d+× fn:checkin TypeError: Cannot read properties of undefined \(reading 'openid'\)/);
    assert.equal(await page.textContent('nav a[data-page=server]'), '服务端');
    // where the time goes and what fails, per route, function and collection
    for (const h of ['API 响应时间（按路由）', '云函数耗时（按函数）', '云函数错误率（按函数）', '数据库查询时间（按集合）']) {
      await page.waitForSelector(`section.card:has(h2:text("${h}")) .chart canvas`);
    }
    await page.click('[data-testid=errors-server] .errors li:first-child button');
    assert.match((await page.textContent('[data-testid=errors-server] .errdetail pre')) ?? '', /index\.js:\d+:\d+/);
    await page.goto(`${d.url}/#/overview`);
    await page.click('[data-testid=lang]');
    await page.waitForSelector('nav a[data-page=overview]:text("Overview")');
    assert.equal(await page.textContent('nav a[data-page=alerts]'), 'Alerts');
    await page.waitForSelector(`${row} td a:text("Page load time")`);
    await page.waitForSelector(`${row} td:text("Front-end developer")`);
    await shot(page, 'overview-en', 'desktop');
    await page.click('[data-testid=lang]');
    await page.waitForSelector('nav a[data-page=overview]:text("总览")');
    await ctx.close();

    // --- phone width ---
    const phone = await newPage(browser, PHONE);
    await login(phone.page, d.url, d.admin, d.adminPassword);
    for (const [hash, name, ready] of [
      ['#/overview', 'overview', '[data-testid=matrix]'],
      ['#/alerts', 'alerts', '[data-testid=alert-list], .state.empty'],
      [`#/alerts/${alertId}`, 'alert-detail', '[data-testid=timeline]'],
      ['#/metrics/page_load_time', 'metrics', '.chart canvas'],
      ['#/client', 'client', '.errors'],
      ['#/server', 'server', '[data-testid=errors-server] .errors'],
      ['#/oncall', 'oncall', '.rot'],
      ['#/settings', 'settings', '[data-testid=channels] table'],
    ] as const) {
      await phone.page.goto(`${d.url}/${hash}`);
      await phone.page.waitForSelector(ready);
      await shot(phone.page, name, 'phone');
    }
    await phone.ctx.close();

    // --- a developer sees alerts and metrics but may not edit channels: UI and API ---
    const devPage = await newPage(browser, DESKTOP);
    await login(devPage.page, d.url, 'dev', 'dev-password-123');
    await devPage.page.goto(`${d.url}/#/settings`);
    await devPage.page.waitForSelector('[data-testid=channels] table');
    assert.equal(await devPage.page.isDisabled('[data-testid=test-dingtalk]'), true);
    assert.match((await devPage.page.textContent('[data-testid=channels]')) ?? '', /只读：需要管理员权限/);
    const fromBrowser = await devPage.page.evaluate(async () => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrf: string };
      const r = await fetch('/api/settings/channels/dingtalk/test', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf }, body: '{}' });
      return { status: r.status, body: (await r.json()) as { code: string } };
    });
    assert.deepEqual([fromBrowser.status, fromBrowser.body.code], [403, 'FORBIDDEN']);
    const byApi = await fetch(`${d.url}/api/settings/channels/dingtalk/test`, { method: 'POST', headers: { cookie: dev.cookie, 'x-csrf-token': dev.csrf, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(byApi.status, 403);
    await devPage.page.goto(`${d.url}/#/alerts`);
    await devPage.page.click('.seg button:nth-child(2)');
    await devPage.page.waitForSelector(`[data-alert="${alertId}"]`);

    // --- a metric page opened directly (a bookmark, a link in an alert) shows the live stream up,
    // and switching metric asks for no breakdown the new metric does not have ---
    const refused: string[] = [];
    devPage.page.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
    });
    await devPage.page.goto(`${d.url}/#/metrics/page_load_time`);
    await devPage.page.reload();
    await devPage.page.waitForSelector('.live.on', { timeout: 10_000 });
    await devPage.page.waitForSelector('.chart canvas');
    const switched = devPage.page.waitForResponse((r) => r.url().includes('/api/v1/metrics/checkin_success_rate?from='));
    await devPage.page.selectOption('[data-testid=metric-select]', 'checkin_success_rate');
    await switched;
    await devPage.page.waitForSelector('.chart canvas');
    assert.deepEqual(refused, []);
    await devPage.ctx.close();
  } finally {
    await browser.close();
    await d.close();
  }
});
