/**
 * WAL checkpoints off the event loop. The main connection never checkpoints (its commits only
 * append to the WAL); a worker thread with its own connection runs a PASSIVE checkpoint (which
 * never blocks writers) every second and fsyncs the database file there, so ingest latency does
 * not include checkpoint I/O. A TRUNCATE checkpoint runs at close.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const run = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage({ error: String(e) }); } };
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'close') { clearInterval(timer); try { db.pragma('wal_checkpoint(TRUNCATE)'); } catch {} db.close(); parentPort.postMessage('closed'); }
});
`;

export class Checkpointer {
  private readonly worker: Worker;

  constructor(file: string, everyMs = 1000, onError: (msg: string) => void = () => {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, driver, everyMs } });
    this.worker.on('message', (m: unknown) => {
      if (m && typeof m === 'object' && 'error' in m) onError(String((m as { error: unknown }).error));
    });
    this.worker.unref();
  }

  async close(): Promise<void> {
    this.worker.ref(); // keep the process alive until the final checkpoint is done
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      this.worker.once('message', done);
      this.worker.once('exit', done);
      this.worker.postMessage('close');
    });
    await this.worker.terminate();
  }
}
