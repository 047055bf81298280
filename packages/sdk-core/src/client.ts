/**
 * The SDK core: capture → sample → beforeSend → mask → bounded queue → batches → makeRequest,
 * with retry/back-off, at most `maxInFlight` requests, persistence, consent, the remote
 * kill-switch and drop accounting. Every public method swallows its own faults.
 */
import { newEventId, isValidEventId } from './id.js';
import { isSampleable, priorityOf, sampleRate } from './policy.js';
import { BoundedQueue, makeItem, type QueueItem } from './queue.js';
import { scrubEvent } from './scrub.js';
import { backoffDelay, sendBatch, type Outcome } from './transport.js';
import { DropCounter, dropReportEvent } from './drops.js';
import { defaultClock, normalize, type Normalized } from './options.js';
import type { Client, ClientOptions, ClientStats, Consent, DeviceContext, DropReason, EventInput, MakeRequest, MgEvent } from './types.js';

interface RemoteConfig {
  enabled: boolean;
  /** when a disabled client asks again */
  until: number;
  sampling?: Record<string, number>;
}

const RECHECK_MS = 3_600_000;

export function createClient(options: ClientOptions, makeRequest: MakeRequest): Client {
  const o: Normalized = normalize(options);
  const clock = options.clock ?? defaultClock;
  const random = options.random ?? Math.random;
  const storage = options.storage;
  const qKey = o.prefix + 'q';
  const cfgKey = o.prefix + 'cfg';
  const queue = new BoundedQueue(o.queue);
  const drops = new DropCounter();
  const held: QueueItem[] = [];
  const waiters: Array<() => void> = [];
  let consent: Consent = options.consent ?? 'granted';
  let localEnabled = true;
  let closed = false;
  let remote: RemoteConfig = { enabled: true, until: 0 };
  let uid: string | undefined;
  let sid: string | undefined;
  let ctx: DeviceContext | undefined = options.context;
  let inFlight = 0;
  let attempt = 0;
  let backoffUntil = 0;
  let networkBackoff = false;
  let timer: unknown;
  let timerAt = 0;
  let persistTimer: unknown;
  let loaded = !storage;
  let lastDropReport = clock.now();
  const st = { captured: 0, delivered: 0, duplicates: 0, requests: 0, retries: 0, persistErrors: 0, internalErrors: 0, lastStatus: 0 };

  function log(msg: string): void {
    try {
      options.log?.(msg);
    } catch {
      // a throwing logger is ignored
    }
  }

  function fault(where: string, err?: unknown): void {
    st.internalErrors++;
    log(`mgops: internal error in ${where}: ${err instanceof Error ? err.message : String(err)}`);
  }

  function drop(reason: DropReason, n = 1): void {
    if (n > 0) drops.add(reason, n);
  }

  function remoteDisabled(): boolean {
    return !remote.enabled && clock.now() < remote.until;
  }

  function canSend(): boolean {
    return !closed && localEnabled && consent === 'granted' && !remoteDisabled();
  }

  // ---- persistence ----
  function ensureLoaded(): void {
    if (loaded || !storage) return;
    loaded = true;
    try {
      const cfg = storage.get(cfgKey);
      if (cfg) remote = { ...remote, ...(JSON.parse(cfg) as RemoteConfig) };
    } catch (e) {
      fault('load config', e);
    }
    try {
      const text = storage.get(qKey);
      if (!text) return;
      const known: Record<string, true> = {};
      for (const it of queue.items) known[it.id] = true;
      const old = BoundedQueue.parse(text, known);
      const current = queue.items;
      queue.items = [];
      queue.bytes = 0;
      for (const it of old.concat(current)) drop('queue_full', queue.add(it));
    } catch (e) {
      fault('load queue', e);
    }
  }

  function markDirty(): void {
    if (!storage || persistTimer !== undefined) return;
    persistTimer = clock.setTimeout(() => {
      persistTimer = undefined;
      persist();
    }, 1000);
  }

  function persist(): void {
    if (!storage) return;
    try {
      ensureLoaded();
      if (persistTimer !== undefined) {
        clock.clearTimeout(persistTimer);
        persistTimer = undefined;
      }
      if (queue.size === 0) {
        storage.remove(qKey);
        return;
      }
      // on a full storage keep as much as fits, high priority first; the rest stays in memory
      let max = queue.size;
      for (;;) {
        try {
          storage.set(qKey, queue.serialize(max === queue.size ? undefined : max));
          return;
        } catch {
          st.persistErrors++;
          if (max <= 1) break;
          max = Math.floor(max / 2);
        }
      }
      storage.remove(qKey);
    } catch (e) {
      fault('persist', e);
    }
  }

  function saveConfig(): void {
    try {
      storage?.set(cfgKey, JSON.stringify(remote));
    } catch {
      st.persistErrors++;
    }
  }

  // ---- scheduling ----
  function setTimer(ms: number): void {
    const at = clock.now() + ms;
    if (timer !== undefined && timerAt <= at) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = undefined;
      pump();
      notify();
    }, ms);
  }

  function schedule(): void {
    // a full pipe is resumed by the completion of a request
    if (!canSend() || inFlight >= o.maxInFlight) return;
    const now = clock.now();
    if (now < backoffUntil) setTimer(backoffUntil - now);
    else if (queue.idleCount() >= o.batchSize) setTimer(0);
    else if (queue.idleCount() > 0 || drops.pending()) setTimer(o.flushIntervalMs);
  }

  function notify(): void {
    for (const w of waiters.slice()) w();
  }

  /** Sends idle events while request slots are free and no back-off is running. */
  function pump(): void {
    try {
      ensureLoaded();
      drop('expired', queue.expire(clock.now()));
      if (!canSend()) return;
      reportDrops();
      while (inFlight < o.maxInFlight && clock.now() >= backoffUntil) {
        const idle = queue.idleCount();
        if (idle === 0) break;
        const items = queue.take(o.batchSize, o.maxBatchBytes - 1024);
        const first = items[0];
        if (items.length === 1 && first && first.b > o.maxBatchBytes - 1024) {
          queue.remove(items);
          drop('too_large');
          continue;
        }
        void send(items);
      }
      schedule();
    } catch (e) {
      fault('pump', e);
    }
  }

  function reportDrops(): void {
    const now = clock.now();
    if (!drops.pending() || now - lastDropReport < o.dropReportIntervalMs) return;
    lastDropReport = now;
    const ev = dropReportEvent(drops.takePending(), newEventId(now, random), now, sid);
    if (ev) enqueue(makeItem(scrubEvent(ev), 2, now));
  }

  async function send(items: QueueItem[]): Promise<void> {
    inFlight++;
    st.requests++;
    let outcome: Outcome;
    try {
      const body =
        '{"v":1,"app":' + JSON.stringify(o.app) + ',"env":' + JSON.stringify(o.env) +
        (o.release ? ',"release":' + JSON.stringify(o.release) : '') +
        ',"sdk":' + JSON.stringify(o.sdk) + ',"sentAt":' + clock.now() +
        (ctx ? ',"ctx":' + JSON.stringify(ctx) : '') +
        ',"events":[' + items.map((it) => it.s).join(',') + ']}';
      outcome = await sendBatch(makeRequest, {
        url: o.url,
        key: o.key,
        body,
        timeoutMs: o.requestTimeoutMs,
        compress: options.compress,
        compressMinBytes: o.compressMinBytes,
        now: () => clock.now(),
        setTimer: (fn, ms) => clock.setTimeout(fn, ms),
        clearTimer: (h) => clock.clearTimeout(h),
      });
    } catch (e) {
      fault('send', e);
      outcome = { kind: 'retry', status: 0, retryAfterMs: undefined, network: true };
    }
    inFlight--;
    try {
      settle(items, outcome);
    } catch (e) {
      fault('settle', e);
    }
    markDirty();
    if (outcome.kind !== 'retry') pump();
    else schedule();
    notify();
  }

  function settle(items: QueueItem[], out: Outcome): void {
    st.lastStatus = out.status;
    if (out.kind === 'ok') {
      queue.remove(items);
      attempt = 0;
      backoffUntil = 0;
      const a = out.answer;
      const rejected = a && Array.isArray(a.rejected) ? a.rejected.length : 0;
      drop('rejected', rejected);
      st.duplicates += a && typeof a.duplicates === 'number' ? a.duplicates : 0;
      st.delivered += items.length - rejected;
      if (a && a.config && typeof a.config.enabled === 'boolean') applyConfig(a.config);
    } else if (out.kind === 'retry') {
      queue.release(items);
      attempt++;
      st.retries++;
      networkBackoff = out.network;
      backoffUntil = clock.now() + backoffDelay(attempt, o.retry.baseMs, o.retry.maxMs, random, out.retryAfterMs);
      log(`mgops: send failed (status ${out.status}), retry #${attempt} in ${backoffUntil - clock.now()} ms`);
    } else {
      queue.remove(items);
      drop('rejected', items.length);
      log(`mgops: collector refused a batch with status ${out.status}; ${items.length} events dropped`);
    }
  }

  function applyConfig(c: { enabled: boolean; sampling?: Record<string, number> }): void {
    const next: RemoteConfig = { enabled: c.enabled, until: c.enabled ? 0 : clock.now() + RECHECK_MS };
    if (c.sampling && typeof c.sampling === 'object') next.sampling = c.sampling;
    remote = next;
    saveConfig();
  }

  // ---- capture ----
  function enqueue(item: QueueItem): void {
    if (consent === 'pending') {
      if (held.length >= o.queue.maxEntries) drop('queue_full');
      else held.push(item);
      return;
    }
    drop('queue_full', queue.add(item));
    markDirty();
    schedule();
  }

  function capture(input: EventInput): string | null {
    try {
      st.captured++;
      if (closed || !localEnabled || remoteDisabled()) return drop('disabled'), null;
      if (consent === 'denied') return drop('consent'), null;
      if (!input || typeof input !== 'object' || typeof input.type !== 'string') return drop('invalid'), null;
      const now = clock.now();
      const id = isValidEventId(input.id) ? input.id : newEventId(now, random);
      const ev = { id, ts: typeof input.ts === 'number' ? input.ts : now, ...input } as MgEvent;
      ev.id = id;
      if (typeof ev.ts !== 'number') ev.ts = now;
      if (sid && ev.sid === undefined) ev.sid = sid;
      if (uid && ev.uid === undefined) ev.uid = uid;
      if (isSampleable(ev)) {
        const rate = sampleRate(ev.type, o.sampling, remote.sampling);
        if (rate < 1) {
          if (random() >= rate) return drop('sampled'), null;
          ev.attrs = { ...ev.attrs, sampleRate: rate };
        }
      }
      let out: MgEvent | null | undefined = ev;
      if (options.beforeSend) {
        try {
          out = options.beforeSend(ev);
        } catch {
          return drop('before_send_error'), null;
        }
        if (!out || typeof out !== 'object') return drop('before_send'), null;
      }
      const clean = scrubEvent(out);
      clean.id = id;
      const item = makeItem(clean, priorityOf(clean), now);
      if (item.b > o.maxBatchBytes - 1024) return drop('too_large'), null;
      enqueue(item);
      return id;
    } catch (e) {
      fault('capture', e);
      drop('sdk_error');
      return null;
    }
  }

  function flush(timeoutMs = 5000): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let done = false;
      const deadline = clock.now() + Math.max(0, timeoutMs);
      let h: unknown;
      const check = (): void => {
        if (done) return;
        const empty = queue.size === 0 && inFlight === 0 && (consent !== 'pending' || held.length === 0);
        const stuck = inFlight === 0 && (!canSend() || backoffUntil > deadline);
        if (!empty && !stuck && clock.now() < deadline) return;
        done = true;
        clock.clearTimeout(h);
        const i = waiters.indexOf(check);
        if (i >= 0) waiters.splice(i, 1);
        persist();
        resolve(empty);
      };
      try {
        waiters.push(check);
        h = clock.setTimeout(check, Math.max(0, timeoutMs));
        lastDropReport = 0;
        pump();
        check();
      } catch (e) {
        fault('flush', e);
        done = true;
        resolve(false);
      }
    });
  }

  function setConsent(c: Consent): void {
    consent = c;
    if (c === 'granted') {
      const list = held.splice(0, held.length);
      for (const it of list) enqueue(it);
      schedule();
    } else if (c === 'denied') {
      drop('consent', held.length + queue.size);
      held.length = 0;
      queue.items = [];
      queue.bytes = 0;
      persist();
    }
    notify();
  }

  function stats(): ClientStats {
    ensureLoaded();
    drop('expired', queue.expire(clock.now()));
    return {
      ...st,
      queued: queue.size + held.length,
      inFlight,
      dropped: drops.totals(),
      enabled: localEnabled && !remoteDisabled(),
      consent,
      backoffUntil: clock.now() < backoffUntil ? backoffUntil : 0,
    };
  }

  // the stored queue is read after the host's launch work, not during it
  if (storage)
    clock.setTimeout(() => {
      ensureLoaded();
      schedule();
    }, 0);

  return {
    capture,
    flush,
    persist,
    setUser: (u) => void (uid = typeof u === 'string' && u ? u : undefined),
    setSession: (s) => void (sid = typeof s === 'string' && s ? s : undefined),
    setContext: (c) => void (ctx = c),
    setConsent: (c) => guard('setConsent', () => setConsent(c)),
    setEnabled: (e) => void (localEnabled = e !== false),
    isEnabled: () => localEnabled && !remoteDisabled(),
    resetBackoff: () =>
      guard('resetBackoff', () => {
        if (networkBackoff && backoffUntil > clock.now()) {
          backoffUntil = 0;
          pump();
        }
      }),
    recordDrop: (reason, n = 1) => drop(reason, n),
    recordError: fault,
    stats,
    close: async (timeoutMs) => {
      const ok = await flush(timeoutMs);
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      persist();
      return ok;
    },
  };

  function guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      fault(where, e);
    }
  }
}
