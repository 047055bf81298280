/**
 * The SDK core: capture → sample → beforeSend → mask → bounded queue → batches → makeRequest,
 * with retry/back-off, at most `maxInFlight` requests, persistence, consent, the remote
 * kill-switch and drop accounting. Every public method swallows its own faults.
 * (Written as closures with ES2017 syntax only: this code ships inside the mini-program bundle.)
 */
import { newEventId, isValidEventId } from './id.js';
import { isSampleable, priorityOf, sampleRate } from './policy.js';
import { boundedQueue, makeItem, type QueueItem } from './queue.js';
import { scrubEvent } from './scrub.js';
import { backoffDelay, sendBatch, type Outcome } from './transport.js';
import { dropReportEvent, zeroDrops } from './drops.js';
import { defaultClock, normalize } from './options.js';
import type { Client, ClientOptions, ClientStats, Consent, DeviceContext, DropReason, EventInput, MakeRequest, MgEvent } from './types.js';

interface RemoteConfig {
  enabled: boolean;
  /** when a disabled client asks again */
  until: number;
  sampling?: Record<string, number>;
}

const RECHECK_MS = 3_600_000;

export function createClient(options: ClientOptions, makeRequest: MakeRequest): Client {
  const o = normalize(options);
  const clock = options.clock || defaultClock;
  const random = options.random || Math.random;
  const storage = options.storage;
  const qKey = o.prefix_ + 'q';
  const cfgKey = o.prefix_ + 'cfg';
  const queue = boundedQueue(o.queue_);
  const dropped = zeroDrops();
  let unreported = zeroDrops();
  let pendingDrops = false;
  const held: QueueItem[] = [];
  const waiters: Array<() => void> = [];
  let consent: Consent = options.consent || 'granted';
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
  const now = (): number => clock.now();

  function log(msg: string): void {
    try {
      if (options.log) options.log('mgops: ' + msg);
    } catch {
      // a throwing logger is ignored
    }
  }

  function fault(where: string, err?: unknown): void {
    st.internalErrors++;
    log(where + ': ' + String(err instanceof Error ? err.message : err));
  }

  function drop(reason: DropReason, n = 1): null {
    if (n > 0) {
      dropped[reason] += n;
      unreported[reason] += n;
      if (reason !== 'consent') pendingDrops = true;
    }
    return null;
  }

  const remoteDisabled = (): boolean => !remote.enabled && now() < remote.until;
  const canSend = (): boolean => !closed && localEnabled && consent === 'granted' && !remoteDisabled();

  // ---- persistence ----
  function ensureLoaded(): void {
    if (loaded || !storage) return;
    loaded = true;
    try {
      const cfg = storage.get(cfgKey);
      if (cfg) remote = Object.assign(remote, JSON.parse(cfg) as RemoteConfig);
      const text = storage.get(qKey);
      if (text) drop('queue_full', queue.load_(text));
    } catch (e) {
      fault('load', e);
    }
  }

  function markDirty(): void {
    if (storage && persistTimer === undefined) persistTimer = clock.setTimeout(persist, 1000);
  }

  function persist(): void {
    if (!storage) return;
    try {
      ensureLoaded();
      clock.clearTimeout(persistTimer);
      persistTimer = undefined;
      // on a full storage keep as much as fits, high priority first; the rest stays in memory
      for (let max = queue.size_(); max > 0; max = max >> 1) {
        try {
          return storage.set(qKey, queue.serialize_(max));
        } catch {
          st.persistErrors++;
        }
      }
      storage.remove(qKey);
    } catch (e) {
      fault('persist', e);
    }
  }

  // ---- scheduling ----
  function setTimer(ms: number): void {
    const at = now() + ms;
    if (timer !== undefined && timerAt <= at) return;
    clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = undefined;
      pump();
      notify();
    }, ms);
  }

  function schedule(): void {
    // a full pipe is resumed by the completion of a request
    if (!canSend() || inFlight >= o.maxInFlight_) return;
    if (now() < backoffUntil) return setTimer(backoffUntil - now());
    const idle = queue.idle_(o.batchSize_);
    if (idle >= o.batchSize_) setTimer(0);
    else if (idle > 0 || pendingDrops) setTimer(o.flushIntervalMs_);
  }

  function notify(): void {
    for (const w of waiters.slice()) w();
  }

  /** Sends idle events while request slots are free and no back-off is running. */
  function pump(): void {
    try {
      ensureLoaded();
      drop('expired', queue.expire_(now()));
      if (!canSend()) return;
      reportDrops();
      while (inFlight < o.maxInFlight_ && now() >= backoffUntil && queue.idle_(1) > 0) {
        const items = queue.take_(o.batchSize_, o.maxBatchBytes_ - 1024);
        const first = items[0] as QueueItem;
        if (items.length === 1 && first.b > o.maxBatchBytes_ - 1024) {
          queue.remove_(items);
          drop('too_large');
        } else void send(items);
      }
      schedule();
    } catch (e) {
      fault('pump', e);
    }
  }

  function reportDrops(): void {
    const t = now();
    if (!pendingDrops || t - lastDropReport < o.dropReportIntervalMs_) return;
    lastDropReport = t;
    const ev = dropReportEvent(unreported, newEventId(t, random), t);
    unreported = zeroDrops();
    pendingDrops = false;
    if (ev) enqueue(makeItem(scrubEvent(ev), 2, t));
  }

  async function send(items: QueueItem[]): Promise<void> {
    inFlight++;
    st.requests++;
    let out: Outcome;
    try {
      const body = o.head_ + ',"sentAt":' + now() + (ctx ? ',"ctx":' + JSON.stringify(ctx) : '') + ',"events":[' + items.map((it) => it.s).join(',') + ']}';
      out = await sendBatch(makeRequest, o, options, clock, body);
    } catch (e) {
      fault('send', e);
      out = { kind: 'retry', status: 0, network: true };
    }
    inFlight--;
    try {
      settle(items, out);
    } catch (e) {
      fault('settle', e);
    }
    markDirty();
    if (out.kind !== 'retry') pump();
    else schedule();
    notify();
  }

  function settle(items: QueueItem[], out: Outcome): void {
    st.lastStatus = out.status;
    if (out.kind === 'retry') {
      queue.release_(items);
      st.retries++;
      networkBackoff = out.network;
      const d = backoffDelay(++attempt, o.retry_.baseMs, o.retry_.maxMs, random, out.retryAfterMs);
      backoffUntil = now() + d;
      return log(`status ${out.status}, retry in ${Math.round(d)} ms`);
    }
    queue.remove_(items);
    if (out.kind === 'drop') {
      drop('rejected', items.length);
      return log(`status ${out.status}: ${items.length} events refused`);
    }
    attempt = 0;
    backoffUntil = 0;
    const a = out.answer || {};
    const rejected = Array.isArray(a.rejected) ? a.rejected.length : 0;
    drop('rejected', rejected);
    st.duplicates += typeof a.duplicates === 'number' ? a.duplicates : 0;
    st.delivered += items.length - rejected;
    const c = a.config;
    if (c && typeof c.enabled === 'boolean') {
      remote = { enabled: c.enabled, until: c.enabled ? 0 : now() + RECHECK_MS, sampling: c.sampling };
      try {
        if (storage) storage.set(cfgKey, JSON.stringify(remote));
      } catch {
        st.persistErrors++;
      }
    }
  }

  // ---- capture ----
  function enqueue(item: QueueItem): void {
    if (consent === 'pending') {
      if (held.length < o.queue_.maxEntries) held.push(item);
      else drop('queue_full');
      return;
    }
    drop('queue_full', queue.add_(item));
    markDirty();
    schedule();
  }

  function capture(input: EventInput): string | null {
    try {
      st.captured++;
      if (closed || !localEnabled || remoteDisabled()) return drop('disabled');
      if (consent === 'denied') return drop('consent');
      if (!input || typeof input.type !== 'string') return drop('invalid');
      const t = now();
      const id = isValidEventId(input.id) ? input.id : newEventId(t, random);
      const ev = Object.assign({ id, ts: t }, input) as MgEvent;
      ev.id = id;
      if (typeof ev.ts !== 'number') ev.ts = t;
      if (sid && ev.sid === undefined) ev.sid = sid;
      if (uid && ev.uid === undefined) ev.uid = uid;
      if (isSampleable(ev)) {
        const rate = sampleRate(ev.type, options.sampling, remote.sampling);
        if (rate < 1) {
          if (random() >= rate) return drop('sampled');
          ev.attrs = Object.assign({}, ev.attrs, { sampleRate: rate });
        }
      }
      let out: MgEvent | null | undefined = ev;
      if (options.beforeSend) {
        try {
          out = options.beforeSend(ev);
        } catch {
          return drop('before_send_error');
        }
        if (!out || typeof out !== 'object') return drop('before_send');
      }
      const clean = scrubEvent(out);
      clean.id = id;
      const item = makeItem(clean, priorityOf(clean), t);
      if (item.b > o.maxBatchBytes_ - 1024) return drop('too_large');
      enqueue(item);
      return id;
    } catch (e) {
      fault('capture', e);
      return drop('sdk_error');
    }
  }

  function flush(timeoutMs?: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const budget = typeof timeoutMs === 'number' && timeoutMs >= 0 ? timeoutMs : 5000;
      const deadline = now() + budget;
      let done = false;
      let h: unknown;
      const check = (): void => {
        const empty = queue.size_() === 0 && inFlight === 0 && (consent !== 'pending' || held.length === 0);
        const stuck = inFlight === 0 && (!canSend() || backoffUntil > deadline);
        if (done || (!empty && !stuck && now() < deadline)) return;
        done = true;
        clock.clearTimeout(h);
        waiters.splice(waiters.indexOf(check), 1);
        persist();
        resolve(empty);
      };
      waiters.push(check);
      try {
        h = clock.setTimeout(check, budget);
        lastDropReport = 0;
        pump();
      } catch (e) {
        fault('flush', e);
      }
      check();
    });
  }

  function setConsent(c: Consent): void {
    consent = c;
    if (c === 'granted') for (const it of held.splice(0)) enqueue(it);
    if (c === 'denied') {
      drop('consent', held.splice(0).length + queue.remove_());
      persist();
    }
    schedule();
    notify();
  }

  function stats(): ClientStats {
    ensureLoaded();
    drop('expired', queue.expire_(now()));
    return Object.assign({}, st, {
      queued: queue.size_() + held.length,
      inFlight,
      dropped: Object.assign({}, dropped),
      enabled: localEnabled && !remoteDisabled(),
      consent,
      backoffUntil: now() < backoffUntil ? backoffUntil : 0,
    });
  }

  function guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      fault(where, e);
    }
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
    setUser: (u) => void (uid = u || undefined),
    setSession: (s) => void (sid = s || undefined),
    setContext: (c) => void (ctx = c),
    setConsent: (c) => guard('consent', () => setConsent(c)),
    setEnabled: (e) => void (localEnabled = e !== false),
    isEnabled: () => localEnabled && !remoteDisabled(),
    resetBackoff: () =>
      guard('backoff', () => {
        if (networkBackoff && backoffUntil > now()) {
          backoffUntil = 0;
          pump();
        }
      }),
    recordDrop: (reason, n) => void drop(reason, n === undefined ? 1 : n),
    recordError: fault,
    stats,
    close: (timeoutMs) =>
      flush(timeoutMs).then((ok) => {
        closed = true;
        clock.clearTimeout(timer);
        timer = undefined;
        persist();
        return ok;
      }),
  };
}
