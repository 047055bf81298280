/**
 * Plugs rules, alerting, notification and on-call into the platform: reads and validates their
 * config sections, opens the durable alert store and outbox next to the core database, starts the
 * evaluation loop (periodic, plus streaming for SOS and security events as they are committed)
 * and registers the alerting API. `app.ts` stays pure wiring: add `alertingPlugin()` to plugins.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlatformPlugin } from '../app.js';
import { validateChannelsConfig } from '../notify/config.js';
import { createChannelRegistry } from '../notify/registry.js';
import { registerDirectoryApi } from '../oncall/http.js';
import { DirectoryService } from '../oncall/service.js';
import { MetricRules } from '../rules/evaluator.js';
import { DEFAULT_SOS_LIMITS, SosTimers, type SosLimits } from '../rules/sos.js';
import { openAlertingStore, openDirectoryStore } from '../storage/index.js';
import { parseDuration } from '../util/duration.js';
import { readAlertingSections } from './config.js';
import { registerAlertingApi } from './http.js';
import { AlertManager } from './manager.js';
import { AlertRunner } from './runner.js';

/** Committed event types that call for evaluating these metrics at once. */
export const STREAMING: Record<string, string[]> = {
  auth_failure: ['abnormal_access'],
  access_denied: ['abnormal_access'],
  unauthorised_op: ['unauthorised_operation'],
  sensitive_access: ['sensitive_data_access', 'data_leak_risk'],
};

function ackSecretFile(dataDir: string): string {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'ack-link.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

export class AlertingConfigError extends Error {}

export function alertingPlugin(opts: { evaluateEveryMs?: number; maxSleepMs?: number; manual?: boolean; onReady?: (parts: { manager: AlertManager; runner: AlertRunner }) => void } = {}): PlatformPlugin {
  return async (p) => {
    const channels = validateChannelsConfig(p.config.channels);
    const read = readAlertingSections(p.config);
    const issues = [...('issues' in channels ? channels.issues : []), ...('issues' in read ? read.issues : [])];
    if ('issues' in channels || 'issues' in read) {
      throw new AlertingConfigError(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
    }
    const { people, rotations, policy } = read.sections;
    const store = await openAlertingStore(p.config, p.dataDir);
    const registry = createChannelRegistry(channels.config, { ledger: store });
    const log = { info: (o: object, m: string) => p.logger.info(o, m), warn: (o: object, m: string) => p.logger.warn(o, m) };
    const directoryStore = await openDirectoryStore(p.config, p.dataDir);
    const oncall = await DirectoryService.open(directoryStore, { people, rotations }, () => p.clock.now(), log); // YAML seeds, API edits persist
    oncall.follow(); // edits made through other processes sharing the store are reloaded
    const directory = oncall.directory;
    const ackSecret = read.sections.ackSecret ?? ackSecretFile(p.dataDir);
    const manager = new AlertManager({ store, outbox: store, registry, directory, policy, clock: p.clock, ackSecret, log });
    const sosCfg = p.config.metrics.sos_response_time;
    const limits: SosLimits = {
      warnMs: (sosCfg?.warn ?? DEFAULT_SOS_LIMITS.warnMs / 1000) * 1000,
      critMs: (sosCfg?.crit ?? DEFAULT_SOS_LIMITS.critMs / 1000) * 1000,
      warnLevel: sosCfg?.warnLevel ?? DEFAULT_SOS_LIMITS.warnLevel,
      critLevel: sosCfg?.critLevel ?? DEFAULT_SOS_LIMITS.critLevel,
    };
    const runner = new AlertRunner(
      manager,
      new MetricRules(p.metrics, manager),
      new SosTimers(p.store, manager, p.clock, limits),
      p.clock,
      { evaluateEveryMs: opts.evaluateEveryMs ?? parseDuration('15s'), maxSleepMs: opts.maxSleepMs ?? 1_000, minSleepMs: 10, manual: opts.manual ?? false },
      log,
    );
    p.writer.onCommit((batches) => {
      const metrics = new Set<string>();
      let sos = false;
      for (const { write } of batches) {
        if (write.ops.some((o) => o.kind === 'sos')) sos = true;
        for (const e of write.events) for (const m of STREAMING[e.type] ?? []) metrics.add(m);
        if (write.pii && Object.values(write.pii).some((n) => (n ?? 0) > 0)) metrics.add('data_leak_risk');
      }
      if (sos || metrics.size > 0) runner.nudge([...metrics], sos);
    });
    registerAlertingApi(p.app, { manager, store, outbox: store, directory, clock: p.clock, ackSecret, audit: oncall });
    registerDirectoryApi(p.app, oncall);
    runner.start();
    p.onClose(async () => {
      await runner.stop();
      await store.close();
      await oncall.close();
      await directoryStore.close();
    });
    opts.onReady?.({ manager, runner });
  };
}
