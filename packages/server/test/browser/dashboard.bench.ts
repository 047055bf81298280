/**
 * `npm run bench:dashboard`: the overview's first load in headless Chromium (cold cache, logged
 * in) against the real platform holding a day of demo data — target < 1.5 s — and the bundle
 * size (gzip): what the overview loads first, and everything.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../helpers.js';
import { seedDay } from './demo.js';
import { apiSession, DESKTOP, launch, startDashboard } from './kit.js';

const RUNS = Number(process.env.RUNS ?? 5);

function bundle(): { initial: number; total: number; files: number } {
  const dist = join(ROOT, 'packages/web/dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initialFiles = new Set(['index.html', ...[...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '')]);
  let initial = 0;
  let total = 0;
  let files = 0;
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(p).isDirectory()) walk(p, r);
      else {
        const gz = gzipSync(readFileSync(p), { level: 9 }).length;
        total += gz;
        files++;
        if (initialFiles.has(r)) initial += gz;
      }
    }
  };
  walk(dist, '');
  return { initial, total, files };
}

async function main(): Promise<void> {
  const d = await startDashboard({ evaluateEveryMs: 15_000 });
  const browser = await launch();
  try {
    const t0 = performance.now();
    const events = await seedDay(d.url, d.key, Date.now(), { hours: 24, slotMinutes: 10 });
    await d.platform.rollups.flush();
    console.log(`seeded ${events} events (24 h of demo traffic) in ${Math.round(performance.now() - t0)} ms`);
    const s = await apiSession(d.url, d.admin, d.adminPassword);
    const [name, value] = s.cookie.split('=');
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
      await ctx.addCookies([{ name: name ?? '', value: value ?? '', url: d.url }]);
      const page = await ctx.newPage();
      await page.goto(`${d.url}/#/overview`, { waitUntil: 'commit' });
      // measured by the page itself: navigation start → the overview complete (checked every frame)
      const done = await page.waitForFunction(
        () => document.querySelector('[data-testid=matrix] tbody tr') !== null && document.querySelectorAll('.state.loading').length === 0 && document.querySelectorAll('.spark path').length > 0 && performance.now(),
        undefined,
        { polling: 'raf' },
      );
      times.push(Number(await done.jsonValue()));
      await ctx.close();
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? NaN;
    const b = bundle();
    console.log(`overview first load (cold cache, matrix + alerts + on-call + SOS + sparklines): median ${Math.round(median)} ms, best ${Math.round(times[0] ?? NaN)} ms, worst ${Math.round(times[times.length - 1] ?? NaN)} ms over ${RUNS} runs — target < 1500 ms: ${median < 1500 ? 'OK' : 'MISSED'}`);
    console.log(`bundle (gzip): first load ${(b.initial / 1024).toFixed(1)} KiB (index.html + entry JS + CSS); all ${b.files} files ${(b.total / 1024).toFixed(1)} KiB (ECharts loads only with charts)`);
  } finally {
    await browser.close();
    await d.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
