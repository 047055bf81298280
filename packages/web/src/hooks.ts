/** Data hooks: one-shot fetches with loading/error state, the live stream, a ticking clock. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';

export type Loaded<T> = { data: T | null; error: string | null; loading: boolean; reload: () => void; set: (v: T) => void };

export function useApi<T>(path: string | null, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [n, setN] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setLoading(true);
    api<T>(path).then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError((e as Error).message);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [path, n, ...deps]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { data, error, loading, reload, set: setData };
}

type Listener = (topic: string, data: unknown) => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let connected = false;
const statusListeners = new Set<(c: boolean) => void>();

function ensureStream(): void {
  if (source) return;
  source = new EventSource('/api/v1/stream');
  for (const topic of ['matrix', 'alerts', 'sos']) {
    source.addEventListener(topic, (ev) => {
      const data: unknown = JSON.parse((ev as MessageEvent<string>).data);
      for (const l of listeners) l(topic, data);
    });
  }
  source.onopen = () => {
    connected = true;
    for (const s of statusListeners) s(true);
  };
  source.onerror = () => {
    connected = false;
    for (const s of statusListeners) s(false);
  };
}

export function closeStream(): void {
  source?.close();
  source = null;
}

/** Calls `onData` with each update of `topic` pushed by the server (SSE). */
export function useLive<T>(topic: 'matrix' | 'alerts' | 'sos', onData: (d: T) => void): void {
  const ref = useRef(onData);
  ref.current = onData;
  useEffect(() => {
    ensureStream();
    const l: Listener = (t, d) => t === topic && ref.current(d as T);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, [topic]);
}

/** Whether the live stream is up; the shell's badge owns the stream, whichever page is open. */
export function useLiveStatus(): boolean {
  const [c, setC] = useState(connected);
  useEffect(() => {
    ensureStream();
    setC(connected);
    statusListeners.add(setC);
    return () => {
      statusListeners.delete(setC);
    };
  }, []);
  return c;
}

export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
