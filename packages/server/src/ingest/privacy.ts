/**
 * Privacy at the door: every string of an event passes the default masking before anything is
 * written; user ids and actors become keyed pseudonyms (HMAC-SHA256 with the server secret).
 */
import { createHmac } from 'node:crypto';
import { maskString, type MaskKind } from '@mgops/protocol';

/** Fields that identify a person: stored only as pseudonyms. */
const PSEUDONYM_FIELDS = new Set(['uid', 'actor', 'principal']);
/** Identifier fields: kept unless masking would change them, then replaced by a pseudonym. */
const ID_FIELDS = new Set(['id', 'sid', 'sosId', 'predictionId', 'taskId', 'crashedSid', 'requestId']);
const ALNUM = /[0-9A-Za-z]/;
/** The masked value is a token of its own, not a run inside a longer run of letters and digits. */
const standsAlone = (s: string, start: number, end: number): boolean => !ALNUM.test(s.charAt(start - 1)) && !ALNUM.test(s.charAt(end));
/** Fields that are validated enums/literals: left alone. */
const SKIP = new Set(['type', 'kind', 'side', 'api', 'outcome', 'action', 'mode']);

export class Privacy {
  private readonly cache = new Map<string, string>();
  private hits: Partial<Record<MaskKind, number>> | null = null;
  /**
   * Every masked value is counted (telemetry). It counts as personal data found (data_leak_risk,
   * a P0) unless it is noise: a run like a mobile number inside a longer run of letters and digits
   * (a hex hash, a UUID request id, a base36 event id holds one about once in 10^3–10^6) is masked
   * all the same, but only a mobile standing as its own token (`sos-13812345678`,
   * `电话13812345678`) is counted as found.
   */
  private readonly onHit = (kind: MaskKind, s: string, start: number, end: number): void => {
    this.count(kind);
    if (kind !== 'mobile' || standsAlone(s, start, end)) (this.hits ??= {})[kind] = (this.hits[kind] ?? 0) + 1;
  };
  /** The SDK's own event id is never personal data: what masking does to it is counted, not found. */
  private readonly onIdHit = (kind: MaskKind): void => this.count(kind);

  constructor(
    private readonly key: Buffer,
    private readonly count: (kind: MaskKind) => void,
  ) {}

  /** What was masked since the last call (the pipeline runs synchronously per request). */
  takeHits(): Partial<Record<MaskKind, number>> | null {
    const h = this.hits;
    this.hits = null;
    return h;
  }

  pseudonym(value: string): string {
    let p = this.cache.get(value);
    if (p === undefined) {
      p = `u_${createHmac('sha256', this.key).update(value).digest('base64url').slice(0, 22)}`;
      if (this.cache.size >= 20_000) this.cache.clear();
      this.cache.set(value, p);
    }
    return p;
  }

  mask(s: string): string {
    return maskString(s, this.onHit);
  }

  /** Masks an event in place (it was just parsed from the request, nobody else holds it). */
  event(e: Record<string, unknown>): void {
    for (const k in e) {
      const v = e[k];
      if (typeof v === 'string') {
        if (SKIP.has(k)) continue;
        if (PSEUDONYM_FIELDS.has(k)) e[k] = this.pseudonym(v);
        // an identifier that masking would change is replaced by a pseudonym
        else if (ID_FIELDS.has(k)) e[k] = maskString(v, k === 'id' ? this.onIdHit : this.onHit) === v ? v : this.pseudonym(v);
        else e[k] = this.mask(v);
      } else if (k === 'attrs' && v && typeof v === 'object') {
        e[k] = this.record(v as Record<string, unknown>);
      } else if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          if (typeof item === 'string') v[i] = this.mask(item);
          else if (item && typeof item === 'object') this.event(item as Record<string, unknown>);
        }
      } else if (v && typeof v === 'object') {
        this.event(v as Record<string, unknown>);
      }
    }
  }

  private record(r: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(r)) {
      const v = r[k];
      out[this.mask(k)] = typeof v === 'string' ? this.mask(v) : v;
    }
    return out;
  }
}
