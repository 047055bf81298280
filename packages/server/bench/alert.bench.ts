/**
 * End-to-end alert latency: an `unauthorised_op` audit event POSTed to the collector → committed →
 * streaming evaluation → P0 alert → durable outbox → signed request accepted by a local DingTalk
 * receiver. Each run resolves the alert (and waits for the resolved notice) before the next.
 * Usage: node --import tsx packages/server/bench/alert.bench.ts [runs=60]
 */
import { startE2E } from '../test/receivers/e2e.js';

const runs = Math.max(50, Number(process.argv[2] ?? 60) || 60);
const e2e = await startE2E({ robots: 8 });
const latencies: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const before = e2e.ding.messages.length;
    const t0 = Date.now();
    const status = await e2e.postAudit();
    if (status !== 200) throw new Error(`collector answered ${status}`);
    while (e2e.ding.messages.length === before) {
      if (Date.now() - t0 > 10_000) throw new Error(`run ${i}: no DingTalk message within 10 s`);
      await new Promise((r) => setTimeout(r, 1));
    }
    const page = e2e.ding.messages[before];
    if (!page || !/P0/.test(page.title)) throw new Error(`run ${i}: unexpected message ${page?.title}`);
    latencies.push(page.receivedAt - t0);
    const [alert] = await e2e.manager.deps.store.listAlerts({ status: ['firing'], limit: 1 });
    if (!alert) throw new Error(`run ${i}: no open alert`);
    await e2e.manager.resolve(alert.id, 'bench');
    while (e2e.ding.messages.length < before + 2) {
      if (Date.now() - t0 > 10_000) throw new Error(`run ${i}: no resolved notice`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }
} finally {
  await e2e.close();
}
if (e2e.ding.rejected.length > 0) throw new Error(`DingTalk rejected ${e2e.ding.rejected.length} requests`);
const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
console.log(`runs: ${runs}, min ${sorted[0]} ms, max ${sorted[sorted.length - 1]} ms, mean ${Math.round(latencies.reduce((s, x) => s + x, 0) / latencies.length)} ms`);
console.log(`alert latency: p50 ${pct(50)} ms, p99 ${pct(99)} ms over ${runs} runs`);
