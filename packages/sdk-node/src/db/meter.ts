/** One `db_query` event per database request, shared by every database wrapper. */
import type { Recorder } from '../recorder.js';
import { errorInfo, type ErrorInfo } from '../privacy.js';

export interface DbMonitorOptions {
  /** requests slower than this carry `attrs.slow` (default 200 ms, the slow-query definition) */
  slowMs?: number;
  /** database or store name, sent as `attrs.db` */
  database?: string;
}

export interface DbSample {
  collection: string;
  op: string;
  duration: number;
  startWall: number;
  ok: boolean;
  docs?: number;
  shape?: string;
  error?: unknown;
  errorInfo?: ErrorInfo;
}

export function recordDb(rec: Recorder, o: DbMonitorOptions, s: DbSample): void {
  rec.guard(() => {
    const slow = s.duration > (o.slowMs ?? 200);
    let attrs: Record<string, string | boolean> | undefined;
    if (slow) (attrs ??= {}).slow = true;
    if (o.database) (attrs ??= {}).db = o.database.slice(0, 128);
    rec.emit({
      type: 'db_query',
      ts: s.startWall,
      collection: s.collection.slice(0, 256),
      op: s.op.slice(0, 64),
      duration: Math.max(0, Math.round(s.duration * 100) / 100),
      ok: s.ok,
      docs: s.docs !== undefined && Number.isFinite(s.docs) && s.docs >= 0 ? Math.floor(s.docs) : undefined,
      shape: s.shape,
      error: s.ok ? undefined : (s.errorInfo ?? errorInfo(s.error)),
      attrs,
    });
  });
}
