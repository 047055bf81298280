/**
 * Editing the on-call directory from the dashboard (headless Chromium, real platform): an admin
 * changes a mobile in Settings (shown masked, listed in the audit log) and adds an override on
 * the on-call page, which then shows the stand-in as on call now. Bad input (a mobile that is no
 * phone number, an override ending before it starts) is marked at its field, in Chinese.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, newPage, startDashboard } from './kit.js';

const shanghai = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 16);

test('dashboard: edit a person and add an override (bad fields marked where they are); the audit log lists both', { timeout: 120_000 }, async () => {
  const d = await startDashboard({ evaluateEveryMs: 3_600_000 });
  const browser = await launch();
  try {
    const { ctx, page } = await newPage(browser);
    await login(page, d.url, d.admin, d.adminPassword);
    await page.goto(`${d.url}/#/settings`);
    const form = '[data-testid=person-form]';
    await page.waitForSelector(form);
    await page.selectOption(`${form} select`, 'lin');
    // a bad mobile is marked where it is, in Chinese, and nothing is saved
    await page.fill(`${form} input[inputmode=tel]`, '12-34');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector(`${form} .ferr[data-field=mobile]:has-text("请填写手机号码")`);
    assert.equal(await page.getAttribute(`${form} input[inputmode=tel]`, 'aria-invalid'), 'true');
    assert.match((await page.textContent(`${form} .ferr[data-field=""]`)) ?? '', /未保存/);
    await page.fill(`${form} input[inputmode=tel]`, '13900000003');
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector('[data-testid=settings-note]:has-text("已保存")');
    await page.waitForSelector('td:has-text("139****0003")');

    await page.goto(`${d.url}/#/oncall`);
    const o = '[data-testid=override-form-ops]';
    await page.waitForSelector(o);
    await page.selectOption(`${o} select`, 'lin');
    // an end before the start is marked at the end field
    await page.fill(`${o} input[type=datetime-local] >> nth=0`, shanghai(Date.now() + 3_600_000));
    await page.fill(`${o} input[type=datetime-local] >> nth=1`, shanghai(Date.now() - 3_600_000));
    await page.click(`${o} button[type=submit]`);
    await page.waitForSelector(`${o} .ferr[data-field=end]:has-text("结束时间须晚于开始时间")`);
    await page.fill(`${o} input[type=datetime-local] >> nth=0`, shanghai(Date.now() - 3_600_000));
    await page.fill(`${o} input[type=datetime-local] >> nth=1`, shanghai(Date.now() + 3_600_000));
    await page.click(`${o} button[type=submit]`);
    await page.waitForSelector(`${o} .ferr`, { state: 'detached' });
    await page.waitForSelector('.rot li.now:has-text("林峰 Lin")');

    await page.goto(`${d.url}/#/settings`);
    await page.waitForSelector('[data-testid=audit] li:has-text("override.create")');
    const audit = (await page.textContent('[data-testid=audit]')) ?? '';
    assert.match(audit, /admin person\.update person:lin/);
    assert.doesNotMatch(audit, /13900000003/);
    await ctx.close();
  } finally {
    await browser.close();
    await d.close();
  }
});
