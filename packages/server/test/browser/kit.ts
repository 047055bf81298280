/**
 * Browser-test kit: the real platform (alerting + dashboard, fast evaluation) listening on a port,
 * a day of demo traffic, headless Chromium through playwright-core, and logged-in pages.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { alertingPlugin } from '../../src/alerting/plugin.js';
import { dashboardPlugin } from '../../src/dashboard/plugin.js';
import { Users } from '../../src/auth/users.js';
import { ROOT, startPlatform, testConfig, type TestPlatform } from '../helpers.js';

export const CHROMIUM = process.env.MGOPS_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'docs/screenshots');
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

export type Dash = TestPlatform & { admin: string; adminPassword: string; users: Users };

export async function startDashboard(o: { evaluateEveryMs?: number } = {}): Promise<Dash> {
  if (!existsSync(join(ROOT, 'packages/web/dist/index.html'))) throw new Error('packages/web/dist is missing: run npm run build -w @mgops/web');
  let adminPassword = '';
  const config = testConfig((c) => {
    c.people = [
      { id: 'alice', name: '王丽 Alice', roles: ['ops_engineer'], mobile: '13800000001', email: 'alice@example.com' },
      { id: 'bob', name: '陈波 Bob', roles: ['ops_engineer'], mobile: '13800000002' },
      { id: 'lin', name: '林峰 Lin', roles: ['ops_lead'], mobile: '13800000003' },
    ];
    c.oncall = { rotations: [{ id: 'ops', role: 'ops_engineer', layers: [{ name: '24x7', members: ['alice', 'bob'], start: '2025-01-06T10:00', handoff: '7d' }] }] };
  });
  const tp = await startPlatform({
    config,
    plugins: [
      alertingPlugin({ evaluateEveryMs: o.evaluateEveryMs ?? 500, maxSleepMs: 200 }),
      dashboardPlugin({ liveEveryMs: 300, onFirstAdmin: (_n, pw) => (adminPassword = pw) }),
    ],
  });
  const users = new Users(tp.platform.store);
  if (!adminPassword) throw new Error('no first admin was created');
  // the one-time password was printed at first start (auth.int.test covers it); set a real one
  adminPassword = 'admin-password-2026';
  await users.upsert('admin', 'admin', adminPassword);
  return { ...tp, admin: 'admin', adminPassword, users };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function newPage(browser: Browser, viewport = DESKTOP): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  return { ctx, page };
}

/** Logs in through the form. */
export async function login(page: Page, url: string, name: string, password: string): Promise<void> {
  await page.goto(url + '/');
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top');
}

/** A cookie session for node-side API calls: { cookie, csrf }. */
export async function apiSession(url: string, name: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  if (!res.ok) throw new Error(`login ${name}: ${res.status}`);
  const body = (await res.json()) as { csrf: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: body.csrf };
}
