/**
 * Demo mode (`mgops start --demo`): local stand-ins for every notification channel, the
 * alerting channels pointed at them (in demo mode only), an ingest key of its own, and the
 * traffic simulator started once the server listens. Two plugins: `before` must run before the
 * alerting plugin reads `channels`; `after` adds the API:
 *   GET  /api/demo/outbox              what DingTalk, WeCom, SMS, voice, e-mail… received
 *   GET  /api/demo/scenarios           the fault scenarios, their seed section, expected alerts
 *   POST /api/demo/scenarios/:name     inject one      DELETE /api/demo/scenarios/:name  remove it
 *   GET  /api/demo/stats               simulator counters
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PlatformPlugin } from '../app.js';
import { createKey } from '../ingest/keys.js';
import { startDemoReceivers, type DemoReceivers } from './receivers.js';
import { isScenario, SCENARIOS } from './scenarios.js';
import { DEFAULT_SPEED, Simulator, type SimulatorOptions } from './simulator.js';
import { funnelSettings } from '../funnels/service.js';
import { formatDuration } from '../util/duration.js';
import { describe, object } from '../api/docs.js';

export type DemoOptions = Omit<SimulatorOptions, 'endpoint' | 'key'> & {
  /** start traffic when the server listens (default true) */
  autoStart?: boolean;
};

export type DemoHandle = {
  receivers: DemoReceivers | undefined;
  simulator: Simulator | undefined;
  /** resolves once the simulator runs */
  ready: Promise<Simulator>;
  before: PlatformPlugin;
  after: PlatformPlugin;
};

const notFound = (reply: FastifyReply, name: string) =>
  reply.code(404).send({ code: 'UNKNOWN_SCENARIO', message: `no scenario '${name}' (known: ${Object.keys(SCENARIOS).join(', ')})`, field: 'name' });

export function demoPlugins(opts: DemoOptions = {}): DemoHandle {
  let resolveReady: (s: Simulator) => void = () => undefined;
  const handle: DemoHandle = {
    receivers: undefined,
    simulator: undefined,
    ready: new Promise<Simulator>((r) => (resolveReady = r)),
    before: async (p) => {
      const receivers = await startDemoReceivers(() => p.clock.now());
      handle.receivers = receivers;
      p.config.channels = receivers.channels;
      // demo only: every group channel in use, so a newcomer sees each kind of message
      for (const level of ['P0', 'P1', 'P2'] as const) {
        const chans = p.config.levels[level].channels;
        if (!chans.includes('wecom')) chans.push('wecom');
      }
      // Simulated users live `speed` times faster than the wall clock the funnels are read on:
      // scale the funnel timeout alike, or a demo user who left the check-in flow would count as
      // an exit only half an hour later. (A simulator driving the platform clock needs no scaling.)
      const speed = opts.speed ?? DEFAULT_SPEED;
      if (!opts.clock && speed > 1) {
        const timeoutMs = Math.max(1000, Math.round(funnelSettings(p.config).timeoutMs / speed / 1000) * 1000);
        p.config.funnels = { flows: p.config.funnels?.flows ?? {}, timeout: formatDuration(timeoutMs) };
      }
      p.logger.warn('demo mode: alerts go to local stand-ins for DingTalk, WeCom, Feishu, SMS, voice, e-mail and webhook (see GET /api/demo/outbox)');
    },
    after: async (p) => {
      const receivers = handle.receivers;
      if (!receivers) throw new Error('demo: the `before` plugin must run before the alerting plugin');
      const { key } = await createKey(p.store, p.config.apps[0]?.id ?? 'mindguard', Date.now(), 'demo traffic simulator');
      registerDemoApi(p.app, handle, receivers);
      const startSim = (endpoint: string) => {
        if (handle.simulator) return;
        const log = (m: string) => p.logger.info(m);
        handle.simulator = new Simulator({ log, users: 500, ...opts, endpoint, key });
        if (opts.autoStart !== false) handle.simulator.start();
        resolveReady(handle.simulator);
      };
      p.app.addHook('onListen', async () => {
        const addr = p.app.server.address() as AddressInfo | null;
        if (addr) startSim(`http://127.0.0.1:${addr.port}`);
      });
      p.onClose(async () => {
        await handle.simulator?.stop();
        await receivers.close();
      });
    },
  };
  return handle;
}

function registerDemoApi(app: FastifyInstance, handle: DemoHandle, receivers: DemoReceivers): void {
  app.get('/api/demo/outbox', describe('demo', 'What the stand-in DingTalk, WeCom, Feishu, SMS, voice, e-mail and webhook receivers got', { query: object({ channel: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } }) }), async (req) => {
    const q = req.query as { channel?: string; limit?: string };
    const all = receivers.outbox();
    const counts: Record<string, number> = {};
    for (const m of all) counts[m.channel] = (counts[m.channel] ?? 0) + 1;
    const limit = Math.min(1000, Math.max(1, Number(q.limit ?? 100) || 100));
    return { counts, messages: all.filter((m) => !q.channel || m.channel === q.channel).slice(0, limit) };
  });
  app.get('/api/demo/scenarios', describe('demo', 'The fault scenarios, the alerts each should raise, and which are active'), async () => {
    const active = new Set((handle.simulator?.faults.list() ?? []).map((a) => a.name));
    return { scenarios: Object.values(SCENARIOS).map((s) => ({ ...s, active: active.has(s.name) })) };
  });
  app.post('/api/demo/scenarios/:name', describe('demo', 'Inject a fault scenario into the simulated traffic', { status: 202 }), async (req, reply) => {
    const { name } = req.params as { name: string };
    if (!isScenario(name)) return notFound(reply, name);
    const sim = handle.simulator;
    if (!sim) return reply.code(503).send({ code: 'DEMO_NOT_RUNNING', message: 'the traffic simulator has not started yet' });
    sim.inject(name);
    return reply.code(202).send({ injected: name, ...SCENARIOS[name], remove: SCENARIOS[name].oneShot ? null : `DELETE /api/demo/scenarios/${name}` });
  });
  app.delete('/api/demo/scenarios/:name', describe('demo', 'Remove an injected fault scenario'), async (req, reply) => {
    const { name } = req.params as { name: string };
    if (!isScenario(name)) return notFound(reply, name);
    const removed = handle.simulator?.remove(name) ?? false;
    return { removed, name };
  });
  app.get('/api/demo/stats', describe('demo', 'Traffic simulator counters'), async () => handle.simulator?.snapshot() ?? { running: false });
}
