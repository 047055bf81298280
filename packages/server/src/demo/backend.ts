/**
 * The simulated MindGuard back end, instrumented with the real Node SDK exactly as the README
 * shows: cloud functions under `withMonitoring`, the CloudBase database through
 * `instrumentCloudbaseRequester`, the Dify risk workflow through `createDifyClient`, the API
 * gateway through `HttpMeter`, business truth (`checkin`, `task`, `sos`, `risk`) and the security
 * audit (`audit`). Latencies are real (the SDK measures them); faults come from `Faults`.
 */
import {
  audit,
  checkin,
  createDifyClient,
  HttpMeter,
  init,
  instrumentCloudbaseRequester,
  risk,
  sos,
  task,
  getRecorder,
  withMonitoring,
  type CloudFunctionContext,
  type DifyClient,
  type NodeSdk,
  type RiskLevel,
} from '@mgops/sdk-node';
import type { Clock } from '../util/clock.js';
import { difyFetch } from './dify.js';
import type { Faults } from './scenarios.js';
import { pick, type Rng } from './random.js';

export type BackendOptions = {
  endpoint: string;
  key: string;
  faults: Faults;
  rng: Rng;
  /** how much faster than real time the operations team, reviewers and gauges work */
  speed: number;
  release?: string;
  /**
   * Day mode: the simulated clock the simulator drives. Delayed work (answers, reviews, gauges)
   * then waits for simulated time and runs from `runDue()`, not from real-time timers.
   */
  clock?: Clock;
  /** how often the Node SDK sends its queue (real ms, default 1000) */
  flushIntervalMs?: number;
};

export type CallResult = { ok: boolean; code: number; data?: Record<string, unknown> };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A CloudBase database requester (the shape `@cloudbase/node-sdk` uses: `send(api, data)`). */
class DemoRequester {
  static faults: Faults | undefined;
  static rng: Rng = Math.random;
  async send(api: string, data: { collectionName: string; query?: unknown }): Promise<Record<string, unknown>> {
    const slow = DemoRequester.faults?.has('slow-db-queries') && data.collectionName === 'checkins';
    const r = DemoRequester.rng;
    await sleep(slow ? 250 + r() * 150 : 3 + r() * 25);
    if (api === 'database.insertDocument') return { data: { insertedIds: [`doc${Math.floor(r() * 1e9)}`] } };
    if (api === 'database.updateDocument') return { data: { updated: 1 } };
    return { data: { list: Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => ({ _id: `d${i}` })) } };
  }
}

const ROUTES: Record<string, string> = {
  checkin: 'POST /api/checkin',
  sos: 'POST /api/sos',
  tasks: 'GET /api/tasks',
  taskDone: 'POST /api/tasks/:id/done',
  assessRisk: 'POST /api/risk/assess',
  login: 'POST /api/login',
  moods: 'GET /api/moods',
};

export class SimulatedBackend {
  readonly sdk: NodeSdk;
  readonly meter = new HttpMeter();
  private readonly db = new DemoRequester();
  private readonly dify: DifyClient;
  private readonly fns: Record<string, (event: Record<string, unknown>, ctx: CloudFunctionContext) => Promise<CallResult>>;
  /** open SOS → cancels its scheduled answer */
  private readonly openSos = new Map<string, () => void>();
  /** day mode: work due at a simulated time */
  private readonly queue: { at: number; fn: () => Promise<unknown> | void }[] = [];
  private nextGaugeAt = -Infinity;
  /** day mode: until when (simulated) an answered SOS is still on its way to the platform */
  private answersInFlight = 0;
  private answeredUntil = -Infinity;
  private seq = 0;
  private readonly due = new Set<string>();
  private readonly done = new Set<string>();
  readonly counts = { calls: 0, sos: 0, sosAnswered: 0, predictions: 0, labels: 0 };
  private gaugeTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: BackendOptions) {
    this.sdk = init({ endpoint: o.endpoint, key: o.key, app: 'mindguard', env: 'production', release: o.release ?? '2.3.1', pseudonymKey: 'demo-pseudonym-key-not-for-production', core: { flushIntervalMs: o.flushIntervalMs ?? 1000, batchSize: 200, queue: { maxEntries: 50_000, maxBytes: 64 * 1024 * 1024 } } });
    DemoRequester.faults = o.faults;
    DemoRequester.rng = o.rng;
    instrumentCloudbaseRequester(DemoRequester);
    this.dify = createDifyClient({ baseUrl: 'http://dify.demo.invalid', apiKey: 'app-demo', workflow: 'risk-identification', fetch: difyFetch(o.faults, o.rng), timeoutMs: 10_000 });
    const fn = (name: string, h: (e: Record<string, unknown>) => Promise<CallResult>) => withMonitoring(async (e: Record<string, unknown>) => {
      if (this.o.faults.has('cloud-function-errors') && this.o.rng() < 0.1) throw new Error(`${name}: ResourceNotFound.Function internal error`);
      return h(e);
    }, { flushIntervalMs: o.flushIntervalMs ?? 1000 });
    this.fns = {
      checkin: fn('checkin', (e) => this.checkin(String(e.uid), Boolean(e.note))),
      sos: fn('sos', (e) => this.sos(String(e.uid))),
      tasks: fn('tasks', (e) => this.tasks(String(e.uid), String(e.day ?? ''))),
      taskDone: fn('taskDone', (e) => this.taskDone(String(e.uid), String(e.taskId))),
      assessRisk: fn('assessRisk', (e) => this.assess(String(e.uid))),
      login: fn('login', async (e) => this.query('users', String(e.uid))),
      moods: fn('moods', async (e) => this.query('moods', String(e.uid))),
    };
  }

  /** One API call through the gateway: the cloud function runs, the gateway records the request. */
  async call(name: string, data: Record<string, unknown>): Promise<CallResult> {
    const f = this.fns[name];
    if (!f) return { ok: false, code: 404 };
    this.counts.calls++;
    const startWall = Date.now();
    const t0 = performance.now();
    let result: CallResult;
    try {
      result = await f(data, { function_name: name, request_id: `req-${++this.seq}`, time_limit_in_ms: 3000, memory_limit_in_mb: 256 });
    } catch {
      result = { ok: false, code: 500 };
    }
    const spike = this.o.faults.has('api-latency-spike') ? 1100 + this.o.rng() * 900 : 0;
    const duration = performance.now() - t0 + 15 + this.o.rng() * 40 + spike;
    const status = result.code >= 500 ? 500 : result.ok ? 200 : result.code === 401 ? 401 : 200;
    this.meter.record({ route: ROUTES[name] ?? name, method: (ROUTES[name] ?? 'POST').split(' ')[0] ?? 'POST', status, duration, startWall, addr: data.ip as string | undefined, reqBytes: 200, resBytes: 400 });
    return result;
  }

  /** A function invoked by another function (not through the API gateway). */
  private async invoke(name: string, data: Record<string, unknown>): Promise<CallResult> {
    const f = this.fns[name];
    if (!f) return { ok: false, code: 404 };
    return f(data, { function_name: name, request_id: `req-${++this.seq}`, time_limit_in_ms: 3000 }).catch(() => ({ ok: false, code: 500 }));
  }

  private async query(collection: string, uid: string): Promise<CallResult> {
    await this.db.send('database.getDocument', { collectionName: collection, query: { uid } });
    return { ok: true, code: 0 };
  }

  private async checkin(uid: string, withNote: boolean): Promise<CallResult> {
    await this.db.send('database.getDocument', { collectionName: 'checkins', query: { uid, day: { $gte: 0 } } });
    if (this.o.faults.has('checkin-failures') && this.o.rng() < 0.3) {
      checkin.attempt(uid);
      checkin.failure('db write conflict', uid);
      return { ok: false, code: 50001 };
    }
    await this.db.send('database.insertDocument', { collectionName: 'checkins', query: { uid } });
    // recorded at the outcome, so an attempt is never counted without it
    checkin.attempt(uid);
    checkin.success(uid);
    if (withNote) void this.invoke('assessRisk', { uid });
    return { ok: true, code: 0 };
  }

  private async taskDone(uid: string, taskId: string): Promise<CallResult> {
    await this.db.send('database.updateDocument', { collectionName: 'tasks', query: { uid, taskId } });
    // a task is completed once, however often the user taps "done" on it
    if (!this.done.has(taskId)) {
      if (this.done.size > 100_000) this.done.clear();
      this.done.add(taskId);
      task.completed(taskId, 'self_care', uid);
    }
    return { ok: true, code: 0 };
  }

  /** Today's self-care task for a user: due when the user first opens the list that day. */
  private async tasks(uid: string, day: string): Promise<CallResult> {
    await this.db.send('database.getDocument', { collectionName: 'tasks', query: { uid, day } });
    const id = `${uid}-${day}-0`;
    if (!this.due.has(id)) {
      if (this.due.size > 100_000) this.due.clear();
      this.due.add(id);
      task.due(id, 'self_care', uid);
    }
    return { ok: true, code: 0, data: { taskId: id } };
  }

  private async assess(uid: string): Promise<CallResult> {
    const truth: RiskLevel = pick(this.o.rng, ['none', 'none', 'none', 'low', 'low', 'medium', 'high']);
    try {
      const res = await this.dify.runWorkflow({ inputs: { checkin: 'redacted' }, user: uid });
      const predicted = (res.data.outputs?.level as RiskLevel | undefined) ?? truth;
      const id = `rp-${++this.seq}-${uid}`;
      const miss: RiskLevel = truth === 'none' ? 'low' : truth === 'high' ? 'medium' : 'high';
      risk.predicted(id, this.o.rng() < 0.96 || predicted === truth ? truth : miss, 'risk-v3');
      this.counts.predictions++;
      // a counsellor reviews it later
      this.later(2_000 + this.o.rng() * 8_000, () => {
        risk.labelled(id, truth, 'counsellor');
        this.counts.labels++;
      });
      return { ok: true, code: 0 };
    } catch {
      return { ok: false, code: 503 };
    }
  }

  private async sos(uid: string): Promise<CallResult> {
    const id = `sos-${Date.now().toString(36)}-${++this.seq}`;
    // open before it is reported, so day mode slows its clock before the platform can see it;
    // the operations team answers within 5–20 s of simulated time
    this.openSos.set(id, this.o.faults.has('sos-unanswered') ? () => undefined : this.later(5_000 + this.o.rng() * 15_000, () => this.answer(id)));
    sos.triggered(id, uid);
    this.counts.sos++;
    await this.db.send('database.insertDocument', { collectionName: 'sos', query: { uid } });
    void getRecorder().flush(1000);
    return { ok: true, code: 0, data: { sosId: id } };
  }

  /** Runs `fn` after `simMs` of simulated time; returns a cancel function. */
  private later(simMs: number, fn: () => Promise<unknown> | void): () => void {
    if (!this.o.clock) {
      const t = setTimeout(fn, simMs / this.o.speed);
      t.unref();
      return () => clearTimeout(t);
    }
    const job = { at: this.o.clock.now() + simMs, fn };
    this.queue.push(job);
    return () => {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    };
  }

  private async answer(id: string): Promise<void> {
    if (!this.openSos.has(id)) return;
    this.openSos.delete(id);
    sos.acknowledged(id, 'operations_lead');
    sos.answered(id, 'operations_lead');
    this.counts.sosAnswered++;
    this.answersInFlight++;
    try {
      // a failed send stays queued and goes with the next flush
      for (let i = 0; i < 5 && !(await getRecorder().flush(1000)); i++);
    } finally {
      this.answersInFlight--;
      if (this.o.clock) this.answeredUntil = this.o.clock.now() + 2_000;
    }
  }

  /**
   * Day mode: an SOS is open, or its answer has not reached the platform yet. The simulator moves
   * its clock in small steps meanwhile, so a slow machine never makes a prompt answer look late
   * (and an unanswered one crosses its limits second by second).
   */
  sosPending(): boolean {
    return this.openSos.size > 0 || this.answersInFlight > 0 || (this.o.clock?.now() ?? 0) < this.answeredUntil;
  }

  /** Day mode: runs the work due by now (simulated), gauges included; waits for SOS answers to be sent. */
  async runDue(): Promise<void> {
    const now = this.o.clock?.now() ?? Date.now();
    if (now >= this.nextGaugeAt) {
      this.sampleGauges();
      // sent at once: a 1-minute gauge window is a few real milliseconds long
      void getRecorder().flush(1000);
      this.nextGaugeAt = now + 30_000;
    }
    const due = this.queue.filter((j) => j.at <= now).sort((a, b) => a.at - b.at);
    if (due.length === 0) return;
    for (const j of due) this.queue.splice(this.queue.indexOf(j), 1);
    await Promise.all(due.map((j) => j.fn()));
  }

  /** A user presses SOS (as the mini-program's SOS page does through the API). */
  pressSos(uid: string): void {
    void this.call('sos', { uid });
  }

  /** Called when `sos-unanswered` is removed: the team finally answers every open SOS. */
  answerAllOpen(): void {
    for (const [id, cancel] of [...this.openSos]) {
      cancel();
      void this.answer(id);
    }
  }

  /** Security activity: a brute-force burst from one address, or a 越权 export. */
  bruteForce(): void {
    for (let i = 0; i < 40; i++) audit.authFailure({ principal: `victim-${i % 3}`, source: '203.0.113.77', method: 'password', reason: 'bad password' });
    void getRecorder().flush(1000);
  }

  unauthorised(): void {
    audit.unauthorised({ operation: 'export_records', resource: 'checkin', role: 'viewer', actor: 'staff-viewer-7' });
    void getRecorder().flush(1000);
  }

  /** Normal background security noise: the odd mistyped password, counsellors reading a few records. */
  securityNoise(uid: string): void {
    if (this.o.rng() < 0.5) audit.authFailure({ principal: uid, source: `10.${Math.floor(this.o.rng() * 250)}.${Math.floor(this.o.rng() * 250)}.9`, method: 'password', reason: 'bad password' });
    else audit.sensitiveRead({ actor: `counsellor-${Math.floor(this.o.rng() * 5)}`, category: 'mood_history', records: 1 + Math.floor(this.o.rng() * 3), purpose: 'review', role: 'counsellor' });
  }

  /** Gauges the storage sampler would report: database storage and connections. */
  startGauges(everyMs: number): void {
    this.sampleGauges();
    // day mode: runDue() samples every 30 s of simulated time
    if (this.o.clock) return;
    this.gaugeTimer = setInterval(() => this.sampleGauges(), everyMs);
    this.gaugeTimer.unref();
  }

  private sampleGauges(): void {
    const g = getRecorder();
    const full = this.o.faults.has('storage-filling');
    g.emit({ type: 'resource', resource: 'storage', value: (full ? 92 : 61) + this.o.rng(), capacity: 100, unit: 'GB', target: 'cloudbase:mindguard' });
    g.emit({ type: 'resource', resource: 'connections', value: 20 + Math.floor(this.o.rng() * 15), capacity: 100, target: 'cloudbase:mindguard' });
  }

  async close(): Promise<void> {
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    for (const cancel of this.openSos.values()) cancel();
    this.queue.length = 0;
    await this.sdk.close(3000);
  }
}
