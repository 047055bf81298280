/** Calls into the writer thread; each call resolves when the writer has finished (committed). */
import { Worker } from 'node:worker_threads';
import type { WriteOp } from './writes.js';

type Reply = { id: number; ok: boolean; result?: unknown; error?: string };

export class WriterClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private next = 1;
  private dead: Error | null = null;
  readonly ready: Promise<void>;

  constructor(file: string) {
    this.worker = new Worker(new URL('./writer.worker.mjs', import.meta.url), { workerData: { file } });
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    this.worker.on('message', (m: Reply) => {
      if (m.id === 0) return markReady();
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`storage write failed: ${m.error ?? 'unknown'}`));
    });
    const fail = (e: Error) => {
      this.dead = e;
      failReady(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`storage writer exited (${code})`)));
  }

  call<T>(op: WriteOp | 'close', ...args: unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, args });
    });
  }

  async close(): Promise<void> {
    if (this.dead) return;
    await this.call('close').catch(() => undefined);
    await this.worker.terminate();
  }
}
