/**
 * A faithful stand-in for the CloudBase / SCF Node runtime, for tests: every instance is a real
 * child process that loads the function module once (cold start) and is reused for later
 * invocations (warm); the process is frozen with SIGSTOP as soon as it has no invocation in flight
 * and thawed with SIGCONT for the next one, so nothing the function left running gets to run in
 * between; an invocation past `time_limit_in_ms` fails with the platform's time-out error and its
 * instance is killed. Several invocations at once start several instances (one invocation per
 * instance by default, as CloudBase does), or share one when `perInstanceConcurrency` > 1.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export interface FunctionSpec {
  /** absolute path of the module exporting `main` */
  module: string;
  name: string;
  version?: string;
  namespace?: string;
  timeLimitMs: number;
  memoryLimitMb?: number;
  perInstanceConcurrency?: number;
  maxInstances?: number;
  env?: Record<string, string>;
}

export interface InvokeResult {
  ok: boolean;
  value?: unknown;
  error?: { name: string; message: string };
  timedOut: boolean;
  requestId: string;
  instance: number;
  cold: boolean;
  /** as seen by the caller, including a cold start */
  durationMs: number;
}

type Reply = { type: 'result'; id: number; ok: boolean; value?: unknown; error?: { name: string; message: string } };

interface Pending {
  resolve: (r: Reply | 'timeout') => void;
}

class Instance {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  inFlight = 0;
  invocations = 0;
  frozen = false;
  dead = false;
  readonly pending = new Map<number, Pending>();

  constructor(
    readonly index: number,
    spec: FunctionSpec,
  ) {
    const runtime = fileURLToPath(new URL('./scf-runtime.ts', import.meta.url));
    this.child = fork(runtime, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        ...spec.env,
        HARNESS_FN_MODULE: spec.module,
        TENCENTCLOUD_RUNENV: 'SCF',
        SCF_FUNCTIONNAME: spec.name,
        SCF_NAMESPACE: spec.namespace ?? 'test-env',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => {
        this.dead = true;
        reject(new Error(`instance ${index} exited (${code}) before ready`));
        for (const p of this.pending.values()) p.resolve({ type: 'result', id: -1, ok: false, error: { name: 'RuntimeExit', message: `instance exited (${code})` } });
        this.pending.clear();
      });
      this.child.on('message', (m: { type: string; id?: number }) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'result' && m.id !== undefined) {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          p?.resolve(m as Reply);
        }
      });
    });
    this.ready.catch(() => undefined);
  }

  freeze(): void {
    if (!this.frozen && !this.dead && this.inFlight === 0) {
      this.frozen = true;
      this.child.kill('SIGSTOP');
    }
  }

  thaw(): void {
    if (this.frozen && !this.dead) {
      this.frozen = false;
      this.child.kill('SIGCONT');
    }
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.child.kill('SIGKILL');
  }
}

export class CloudFunctionHarness {
  private readonly instances: Instance[] = [];
  private seq = 0;
  private created = 0;

  constructor(readonly spec: FunctionSpec) {}

  /** Invokes the function once, the way the platform would. */
  async invoke(event: unknown): Promise<InvokeResult> {
    const started = performance.now();
    const requestId = randomUUID();
    const per = this.spec.perInstanceConcurrency ?? 1;
    let inst = this.instances.find((i) => !i.dead && i.inFlight < per);
    const cold = inst === undefined;
    if (!inst) {
      if (this.instances.filter((i) => !i.dead).length >= (this.spec.maxInstances ?? 50)) {
        throw new Error('function concurrency limit reached');
      }
      inst = new Instance(this.created++, this.spec);
      this.instances.push(inst);
    }
    inst.inFlight++;
    inst.invocations++;
    await inst.ready;
    inst.thaw();
    const id = ++this.seq;
    const context = {
      request_id: requestId,
      function_name: this.spec.name,
      function_version: this.spec.version ?? '$LATEST',
      namespace: this.spec.namespace ?? 'test-env',
      memory_limit_in_mb: this.spec.memoryLimitMb ?? 256,
      time_limit_in_ms: this.spec.timeLimitMs,
    };
    const target = inst;
    const reply = await new Promise<Reply | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), this.spec.timeLimitMs);
      target.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      target.child.send({ type: 'invoke', id, event, context });
    });
    target.inFlight--;
    const durationMs = performance.now() - started;
    const base = { requestId, instance: target.index, cold, durationMs };
    if (reply === 'timeout') {
      target.pending.delete(id);
      target.kill();
      const seconds = (this.spec.timeLimitMs / 1000).toFixed(2);
      return { ...base, ok: false, timedOut: true, error: { name: 'TimeoutError', message: `Invoking task timed out after ${seconds} seconds` } };
    }
    target.freeze();
    return reply.ok
      ? { ...base, ok: true, timedOut: false, value: reply.value }
      : { ...base, ok: false, timedOut: false, error: reply.error ?? { name: 'Error', message: '' } };
  }

  /** Live instances: index, frozen, invocations served. */
  state(): { index: number; frozen: boolean; invocations: number; pid: number | undefined }[] {
    return this.instances.filter((i) => !i.dead).map((i) => ({ index: i.index, frozen: i.frozen, invocations: i.invocations, pid: i.child.pid }));
  }

  /** Recycles every instance (the next invocation is a cold start). */
  async close(): Promise<void> {
    await Promise.all(
      this.instances.map(
        (i) =>
          new Promise<void>((resolve) => {
            if (i.child.exitCode !== null || i.child.signalCode !== null) return resolve();
            i.child.once('exit', () => resolve());
            i.kill();
          }),
      ),
    );
    this.instances.length = 0;
  }
}
