/** The SQLite writer thread: owns the only write connection and runs SqliteWrites on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { openDb, migrate } from './db.js';
import { SqliteWrites, type WriteOp } from './writes.js';

type Request = { id: number; op: WriteOp | 'close'; args: unknown[] };

const db = openDb((workerData as { file: string }).file, 16_000);
migrate(db);
db.pragma('wal_autocheckpoint = 0');
const writes = new SqliteWrites(db);
const port = parentPort!;

port.on('message', (m: Request) => {
  if (m.op === 'close') {
    db.close();
    port.postMessage({ id: m.id, ok: true, result: null });
    port.close();
    return;
  }
  try {
    const fn = writes[m.op] as (...a: unknown[]) => unknown;
    port.postMessage({ id: m.id, ok: true, result: fn.apply(writes, m.args) });
  } catch (e) {
    port.postMessage({ id: m.id, ok: false, error: (e as Error).message });
  }
});
port.postMessage({ id: 0, ok: true, result: 'ready' });
