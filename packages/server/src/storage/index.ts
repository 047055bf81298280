/** Opens the configured storage engine. The only place that knows which implementations exist. */
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite/store.js';
import { PgStore } from './postgres/store.js';
import { SqliteAlerting } from './sqlite/alerting.js';

export async function openStore(config: Config, dataDir: string): Promise<Store> {
  const store: Store =
    config.storage.engine === 'postgres' && config.storage.postgresUrl
      ? new PgStore(config.storage.postgresUrl, config.storage.postgresSchema)
      : new SqliteStore(join(dataDir, 'mgops.db'));
  await store.migrate();
  return store;
}

/** The alerting capability's storage (alerts, timeline, silences, outbox, budgets). */
export function openAlertingStore(config: Config, dataDir: string): SqliteAlerting {
  if (config.storage.engine === 'postgres') throw new Error('alerting storage on PostgreSQL is not available yet');
  return new SqliteAlerting(join(dataDir, 'mgops.db'));
}

export type { Store } from './store.js';
