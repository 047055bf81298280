/**
 * Abnormal exits and breadcrumbs. The session state lives in storage: a clean flag set when the
 * app goes to the background (WeChat may then end it quietly) and cleared when it comes back, the
 * last page, the last active time, memory warnings seen and the last breadcrumbs. A cold start
 * that finds a session not ended cleanly reports it as a crash (oom_suspected after a memory
 * warning).
 */
import { scrubString, type StoragePort } from '@mgops/sdk-core';

export interface Crumb {
  t: number;
  c: string;
  m: string;
}

export interface SessionState {
  sid: string;
  /** last active, ms epoch */
  la: number;
  /** last page */
  pg?: string;
  /** 1 when it ended cleanly (went to the background) */
  c: 0 | 1;
  /** memory warnings */
  m: number;
  bc: Crumb[];
}

export interface Session {
  s_: SessionState;
  /** the previous session as stored (read once, at cold start) */
  prev_: SessionState | null;
  crumb_(c: string, m: string): void;
  /** Saves the state (at lifecycle points only: storage writes are synchronous). */
  save_(): void;
}

const KEY = 'mgops_s';

export function createSession(store: StoragePort | undefined, now: () => number, sid: string): Session {
  let prev: SessionState | null = null;
  try {
    const raw = store && store.get(KEY);
    const p = raw ? (JSON.parse(raw) as SessionState) : null;
    if (p && typeof p.sid === 'string') prev = p;
  } catch {
    // unreadable: no previous session
  }
  const s: SessionState = { sid, la: now(), c: 0, m: 0, bc: [] };
  return {
    s_: s,
    prev_: prev,
    crumb_(c, m) {
      // masked when recorded: breadcrumbs are stored on the device
      // masked before it is cut (a cut through a phone number leaves no digits), cached for storms
      s.bc.push({ t: now(), c, m: scrubString(m, 200) });
      if (s.bc.length > 20) s.bc.shift();
    },
    save_() {
      s.la = now();
      try {
        if (store) store.set(KEY, JSON.stringify(s));
      } catch {
        // storage full: crash detection degrades, the app does not
      }
    },
  };
}
