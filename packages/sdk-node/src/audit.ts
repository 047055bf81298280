/**
 * Security audit events: failed authentication, access refused, operations outside the actor's
 * role (越权, a P0), reads and exports of sensitive data categories. Actors and principals leave
 * only as keyed pseudonyms, addresses as /24, resources masked.
 */
import { recorderOf, type WithRecorder } from './global.js';
import { clip, maskSource, safeText } from './privacy.js';

const URGENT_FLUSH_MS = 2000;
type Id = string | number | undefined;

export interface AuthFailureInfo {
  principal?: Id;
  source?: string;
  method?: string;
  reason?: string;
}
export interface AccessInfo {
  resource: string;
  role?: string;
  actor?: Id;
  source?: string;
}
export interface OperationInfo {
  operation: string;
  resource: string;
  role?: string;
  actor?: Id;
}
export interface SensitiveInfo {
  actor: Id;
  category: string;
  records: number;
  purpose?: string;
  role?: string;
}

const opt = (s: string | undefined, max: number) => (s === undefined ? undefined : clip(safeText(s, max), max));

export function createAudit(options: WithRecorder = {}) {
  const rec = () => recorderOf(options);
  const count = (n: number) => (Number.isFinite(n) && n > 0 ? Math.min(Math.floor(n), 1e12) : 0);
  const sensitive = (i: SensitiveInfo, exported: boolean) => {
    const r = rec();
    const actor = r.pseudonym(i.actor);
    r.emit({
      type: 'sensitive_access',
      category: clip(i.category, 64),
      records: count(i.records),
      purpose: opt(i.purpose, 128),
      role: opt(i.role, 64),
      actor,
      uid: actor,
      export: exported || undefined,
    });
    if (exported) void r.flush(URGENT_FLUSH_MS);
  };
  return {
    authFailure(i: AuthFailureInfo = {}): void {
      const r = rec();
      r.emit({
        type: 'auth_failure',
        source: maskSource(i.source),
        method: opt(i.method, 64),
        principal: r.pseudonym(i.principal),
        attrs: i.reason === undefined ? undefined : { reason: safeText(i.reason, 128) },
      });
    },
    accessDenied(i: AccessInfo): void {
      const r = rec();
      r.emit({ type: 'access_denied', resource: safeText(i.resource, 256), role: opt(i.role, 64), source: maskSource(i.source), uid: r.pseudonym(i.actor) });
    },
    /** an operation outside the actor's role (越权): paged as P0 */
    unauthorised(i: OperationInfo): void {
      const r = rec();
      const actor = r.pseudonym(i.actor);
      r.emit({ type: 'unauthorised_op', operation: safeText(i.operation, 128), resource: safeText(i.resource, 256), role: opt(i.role, 64), actor, uid: actor });
      void r.flush(URGENT_FLUSH_MS);
    },
    /** a read of a sensitive category (actor, category, record count, stated purpose) */
    sensitiveRead(i: SensitiveInfo): void {
      sensitive(i, false);
    },
    /** a data export */
    dataExport(i: SensitiveInfo): void {
      sensitive(i, true);
    },
  };
}

export type Audit = ReturnType<typeof createAudit>;
