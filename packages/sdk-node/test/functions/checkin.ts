/**
 * A cloud function as MindGuard writes them, wrapped with the SDK; the harness loads it in a
 * child process per instance. The event tells it what to do (test control only).
 */
import { init, optionsFromEnv, withMonitoring, checkin } from '../../src/index.js';

const options = optionsFromEnv();
if (options) {
  init({
    ...options,
    core: { requestTimeoutMs: Number(process.env.MGOPS_REQUEST_TIMEOUT_MS ?? 5000), retry: { baseMs: Number(process.env.MGOPS_RETRY_BASE_MS ?? 1000), maxMs: 5000 } },
  });
}

interface CheckinEvent {
  sleepMs?: number;
  fail?: boolean;
  uid?: string;
  /** capture a check-in this long after returning (shows the instance is frozen) */
  lateMs?: number;
  n?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const main = withMonitoring(
  async (event: CheckinEvent) => {
    if (event.lateMs !== undefined) setTimeout(() => checkin.failure('late', event.uid), event.lateMs);
    checkin.attempt(event.uid);
    if (event.sleepMs) await sleep(event.sleepMs);
    if (event.fail) {
      checkin.failure('db_error', event.uid);
      const err = new Error('check-in failed for user 13812345678') as Error & { code?: string };
      err.code = 'E_CHECKIN';
      throw err;
    }
    checkin.success(event.uid);
    return { saved: true, n: event.n ?? 0, pid: process.pid };
  },
  {
    flushBudgetMs: Number(process.env.MGOPS_FLUSH_BUDGET_MS ?? 300),
    userId: (event) => event.uid,
  },
);
