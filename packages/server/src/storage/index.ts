/** Opens the configured storage engine. The only place that knows which implementations exist. */
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite/store.js';

export async function openStore(config: Config, dataDir: string): Promise<Store> {
  if (config.storage.engine === 'postgres') {
    throw new Error('storage.engine "postgres" is not available in this build yet; use "sqlite"');
  }
  const store = new SqliteStore(join(dataDir, 'mgops.db'));
  await store.migrate();
  return store;
}

export type { Store } from './store.js';
