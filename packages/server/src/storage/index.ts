/** Opens the configured storage engine. The only place that knows which implementations exist. */
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite/store.js';
import { PgStore } from './postgres/store.js';
import { SqliteAlerting } from './sqlite/alerting.js';
import { PgAlerting } from './postgres/alerting.js';
import type { AlertStore, OutboxStore } from '../alerting/ports.js';
import type { BudgetLedger } from '../notify/budget.js';
import type { DirectoryStore } from '../oncall/ports.js';
import { SqliteDirectory } from './sqlite/directory.js';
import { PgDirectory } from './postgres/directory.js';

export async function openStore(config: Config, dataDir: string): Promise<Store> {
  const store: Store =
    config.storage.engine === 'postgres' && config.storage.postgresUrl
      ? new PgStore(config.storage.postgresUrl, config.storage.postgresSchema)
      : new SqliteStore(join(dataDir, 'mgops.db'));
  await store.migrate();
  return store;
}

export type AlertingStorage = AlertStore & OutboxStore & BudgetLedger & { close(): void | Promise<void> };

/** The alerting capability's storage (alerts, timeline, silences, outbox, budgets), beside the core store. */
export async function openAlertingStore(config: Config, dataDir: string): Promise<AlertingStorage> {
  if (config.storage.engine === 'postgres' && config.storage.postgresUrl) return PgAlerting.open(config.storage.postgresUrl, config.storage.postgresSchema);
  return new SqliteAlerting(join(dataDir, 'mgops.db'));
}

/** The on-call directory (people, rotations) and its audit log, beside the core store. */
export async function openDirectoryStore(config: Config, dataDir: string): Promise<DirectoryStore> {
  if (config.storage.engine === 'postgres' && config.storage.postgresUrl) return PgDirectory.open(config.storage.postgresUrl, config.storage.postgresSchema);
  return new SqliteDirectory(join(dataDir, 'mgops.db'));
}

export type { Store } from './store.js';
