/**
 * Editing a rotation and swapping shifts from the on-call page (headless Chromium, real
 * platform). An ops lead empties a layer's members and gets the API's field error next to the
 * members, in Chinese (and in English after switching), and a bad hour next to the restriction;
 * puts Lin first and makes the hand-off daily, so Lin is on call now; then swaps Lin's shift with Alice's, so Alice is. The page and
 * /api/oncall agree each time. A viewer sees no edit controls and the API refuses the same edits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { apiSession, launch, login, newPage, PHONE, startDashboard } from './kit.js';

const DAY = 86_400_000;
const shanghai = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 16);
/** epoch ms of a "2025-01-06T10:00" Shanghai local time */
const fromShanghai = (s: string) => Date.parse(`${s}:00+08:00`);

type Oncall = { rotations: { id: string; onCall: { id: string } | null }[] };

async function onCallNow(url: string, cookie: string): Promise<string | undefined> {
  const res = await fetch(`${url}/api/oncall`, { headers: { cookie } });
  assert.equal(res.status, 200);
  return ((await res.json()) as Oncall).rotations.find((r) => r.id === 'ops')?.onCall?.id;
}

const nowLine = (page: Page) => page.locator('[data-testid=shifts-ops] li.now');

test('on-call page: an ops lead edits members and hand-off and makes a swap; a viewer cannot', { timeout: 150_000 }, async () => {
  const d = await startDashboard({ evaluateEveryMs: 3_600_000 });
  const browser = await launch();
  try {
    await d.users.upsert('lead', 'ops', 'lead-password-123');
    await d.users.upsert('watcher', 'viewer', 'watcher-password-123');
    const lead = await apiSession(d.url, 'lead', 'lead-password-123');
    const before = await onCallNow(d.url, lead.cookie);
    assert.ok(before === 'alice' || before === 'bob');

    const { ctx, page } = await newPage(browser);
    await login(page, d.url, 'lead', 'lead-password-123');
    await page.goto(`${d.url}/#/oncall`);
    await page.locator('summary', { hasText: '编辑轮值：层、成员与交接' }).click();
    const form = page.getByTestId('rotation-form-ops');
    const layer = form.getByTestId('layer-0');
    await layer.locator('[data-member=bob]').waitFor();

    // --- no members: the API's field error shows next to the members, in Chinese, then English ---
    await layer.getByRole('button', { name: '移除 王丽 Alice' }).click();
    await layer.getByRole('button', { name: '移除 陈波 Bob' }).click();
    await form.getByRole('button', { name: '保存' }).click();
    const membersError = layer.locator('.ferr[data-field="layers.0.members"]');
    await membersError.waitFor();
    assert.equal(await membersError.textContent(), '请至少选择一名成员');
    assert.match((await form.textContent()) ?? '', /未保存：请修正标出的字段/);
    await page.click('[data-testid=lang]');
    await layer.locator('.ferr:text("Choose at least one member")').waitFor();
    await page.click('[data-testid=lang]');
    await form.getByRole('button', { name: '保存' }).waitFor();
    assert.equal(await onCallNow(d.url, lead.cookie), before, 'a refused edit changes nothing');

    // --- Alice then Lin, Lin moved up, hand-off daily from an hour ago: Lin is on call now ---
    const start = shanghai(Date.now() - 3_600_000);
    const pickMember = layer.getByLabel('添加成员');
    await pickMember.selectOption('alice');
    await layer.getByRole('button', { name: '添加', exact: true }).click();
    await pickMember.selectOption('lin');
    await layer.getByRole('button', { name: '添加', exact: true }).click();
    await layer.getByRole('button', { name: '上移 林峰 Lin' }).click();
    assert.deepEqual(await layer.locator('[data-member]').evaluateAll((xs) => xs.map((x) => x.getAttribute('data-member'))), ['lin', 'alice']);
    await layer.getByLabel('起始时间（上海时间）').fill(start);
    await layer.getByLabel('交接周期').fill('1d');
    await layer.getByLabel('每天从').fill('25:00');
    await form.getByRole('button', { name: '保存' }).click();
    const hoursError = layer.locator('.ferr[data-field="layers.0.restriction"]');
    await hoursError.waitFor();
    assert.equal(await hoursError.textContent(), '时间格式为 HH:MM，如 08:00');
    await layer.getByLabel('每天从').fill('');
    await form.getByRole('button', { name: '保存' }).click();
    await page.locator('[role=status]:text("已保存")').waitFor();
    await nowLine(page).filter({ hasText: '林峰 Lin' }).waitFor();
    await page.locator('[data-testid=shifts-ops] li:not(.now)').filter({ hasText: '王丽 Alice' }).first().waitFor();
    // an editor reads the layer's members by name; a viewer (no directory access) by id, below
    await page.locator('.rot:has-text("林峰 Lin → 王丽 Alice (1d)")').waitFor();
    assert.equal(await onCallNow(d.url, lead.cookie), 'lin');

    // --- a swap: Lin takes Alice's next shift, Alice takes Lin's current one ---
    await page.locator('summary', { hasText: '换班' }).click();
    const swap = page.getByTestId('swap-form-ops');
    const t0 = fromShanghai(start);
    await swap.getByLabel('人员 A').selectOption('lin');
    await swap.getByLabel('人员 B').selectOption('alice');
    await swap.getByLabel('A 的班次开始').fill(shanghai(t0));
    await swap.getByLabel('A 的班次结束').fill(shanghai(t0 - DAY));
    await swap.getByLabel('B 的班次开始').fill(shanghai(t0 + DAY));
    await swap.getByLabel('B 的班次结束').fill(shanghai(t0 + 2 * DAY));
    await swap.getByRole('button', { name: '换班' }).click();
    const endError = swap.locator('.ferr[data-field="a.end"]');
    await endError.waitFor();
    assert.equal(await endError.textContent(), '结束时间须晚于开始时间');
    await swap.getByLabel('A 的班次结束').fill(shanghai(t0 + DAY));
    await swap.getByRole('button', { name: '换班' }).click();
    await page.locator('[role=status]:text("已换班")').waitFor();
    await nowLine(page).filter({ hasText: '王丽 Alice' }).waitFor();
    assert.equal(await onCallNow(d.url, lead.cookie), 'alice');
    const next = page.locator('[data-testid=shifts-ops] li:not(.now)').first();
    assert.match((await next.textContent()) ?? '', /林峰 Lin/);

    // --- at phone width the forms fit the screen ---
    await page.setViewportSize(PHONE);
    await swap.getByLabel('人员 A').waitFor();
    const overflow = await page.evaluate(() => [document.documentElement, document.querySelector('.rot')?.closest('.card')].map((e) => (e ? e.scrollWidth - e.clientWidth : -1)));
    assert.deepEqual(overflow.map((x) => x <= 0), [true, true], `the on-call page scrolls sideways on a phone (page, card): ${overflow.join(', ')} px`);
    await ctx.close();

    // --- a viewer: no edit controls, and the API refuses the same edits ---
    const viewer = await newPage(browser);
    await login(viewer.page, d.url, 'watcher', 'watcher-password-123');
    await viewer.page.goto(`${d.url}/#/oncall`);
    await viewer.page.locator('.rot:has-text("lin → alice (1d)")').waitFor();
    await nowLine(viewer.page).filter({ hasText: '王丽 Alice' }).waitFor();
    assert.equal(await viewer.page.locator('details.edit, form, [data-testid^=rotation-form], [data-testid^=swap-form]').count(), 0);
    const watcher = await apiSession(d.url, 'watcher', 'watcher-password-123');
    const headers = { cookie: watcher.cookie, 'x-csrf-token': watcher.csrf, 'content-type': 'application/json' };
    const put = await fetch(`${d.url}/api/settings/oncall/ops`, { method: 'PUT', headers, body: JSON.stringify({ role: 'ops_engineer', layers: [{ name: '24x7', members: ['bob'], start: start, handoff: '7d' }] }) });
    assert.equal(put.status, 403);
    const swapped = await fetch(`${d.url}/api/settings/oncall/ops/swaps`, { method: 'POST', headers, body: JSON.stringify({ a: { person: 'alice', start: t0, end: t0 + DAY }, b: { person: 'bob', start: t0 + DAY, end: t0 + 2 * DAY } }) });
    assert.equal(swapped.status, 403);
    assert.equal(await onCallNow(d.url, watcher.cookie), 'alice');
    await viewer.ctx.close();
  } finally {
    await browser.close();
    await d.close();
  }
});
