/**
 * The whole platform with alerting, pointed at a local DingTalk receiver: used by the end-to-end
 * test and `bench:alert`. An `unauthorised_op` audit event posted to the collector opens a P0.
 * On `engine: 'postgres'` everything is stored in a fresh schema of the local PostgreSQL, dropped on close.
 */
import { alertingPlugin } from '../../src/alerting/plugin.js';
import type { AlertManager } from '../../src/alerting/manager.js';
import { closeAndDrop, envelope, PG_URL, post, startPlatform, testConfig, type TestPlatform } from '../helpers.js';
import { startDingTalkReceiver, type DingTalkReceiver } from '../../src/notify/standins/dingtalk.js';

export type E2E = { tp: TestPlatform; ding: DingTalkReceiver; manager: AlertManager; postAudit(): Promise<number>; close(): Promise<void> };

export async function startE2E(opts: { robots?: number; evaluateEveryMs?: number; engine?: 'sqlite' | 'postgres' } = {}): Promise<E2E> {
  const pgSchema = opts.engine === 'postgres' ? `mgops_e2e_${process.pid}_${Math.floor(Math.random() * 1e6)}` : undefined;
  const robots = Array.from({ length: opts.robots ?? 1 }, (_, i) => ({ accessToken: `e2e-${i}`, secret: `SECe2e${i}` }));
  const ding = await startDingTalkReceiver({ robots });
  let manager: AlertManager | undefined;
  const config = testConfig((c) => {
    c.server.publicUrl = 'https://ops.mindguard.example';
    c.channels = { dingtalk: { groups: { ops: { robots: robots.map((r) => ({ webhook: ding.webhookFor(r.accessToken), secret: r.secret })) } } } };
    c.people = [
      { id: 'alice', name: 'Alice', roles: ['ops_engineer'], mobile: '13800000001' },
      { id: 'lin', name: 'Lin', roles: ['ops_lead'], mobile: '13800000003' },
    ];
    c.oncall = { rotations: [{ id: 'ops', role: 'ops_engineer', layers: [{ name: '24x7', members: ['alice'], start: '2025-01-06T10:00' }] }] };
    for (const level of ['P0', 'P1', 'P2', 'P3'] as const) c.levels[level].channels = ['dingtalk'];
    if (pgSchema) c.storage = { engine: 'postgres', postgresUrl: PG_URL, postgresSchema: pgSchema };
  });
  const tp = await startPlatform({
    config,
    plugins: [alertingPlugin({ evaluateEveryMs: opts.evaluateEveryMs ?? 3_600_000, onReady: (parts) => (manager = parts.manager) })],
  });
  if (!manager) throw new Error('alerting did not start');
  const m = manager;
  return {
    tp,
    ding,
    manager: m,
    async postAudit() {
      const r = await post(tp.url, tp.key, envelope([{ type: 'unauthorised_op', operation: 'export_records', resource: 'checkin', role: 'viewer' }]));
      return r.status;
    },
    async close() {
      await closeAndDrop(tp, pgSchema);
      await ding.close();
    },
  };
}
