/**
 * A webhook consumer as a careful integrator writes one: recomputes the HMAC over the raw body,
 * rejects stale timestamps (401), and answers a repeated `Idempotency-Key` with 200 without
 * recording the message again — so at-least-once delivery shows up here as exactly-once, and the
 * number of repeats is counted.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { asRecord, header, parseJson, startHttpReceiver, type FailureSetting, type ReceivedRequest, type Reply } from './http.js';

export interface WebhookMessage {
  id: string;
  idempotencyKey: string | undefined;
  body: Record<string, unknown>;
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  messages: WebhookMessage[];
  /** requests whose Idempotency-Key had been seen before */
  duplicates: number;
  rejected: number;
  requests: ReceivedRequest[];
  setFailure(f: FailureSetting | null): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(opts: { secret: string; now?: () => number; toleranceSec?: number }): Promise<WebhookReceiver> {
  const now = opts.now ?? (() => Date.now());
  const tolerance = opts.toleranceSec ?? 300;
  const state = { duplicates: 0, rejected: 0 };
  const messages: WebhookMessage[] = [];
  const seen = new Map<string, string>();

  const handle = (req: ReceivedRequest): Reply => {
    const ts = Number(header(req, 'x-mgops-timestamp'));
    const given = Buffer.from(header(req, 'x-mgops-signature') ?? '');
    const expected = Buffer.from('v1=' + createHmac('sha256', opts.secret).update(`${ts}.`).update(req.body).digest('hex'));
    if (!Number.isInteger(ts) || Math.abs(now() / 1000 - ts) > tolerance || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      state.rejected++;
      return { status: 401, json: { error: 'bad signature' } };
    }
    const key = header(req, 'idempotency-key');
    const known = key !== undefined ? seen.get(key) : undefined;
    if (known !== undefined) {
      state.duplicates++;
      return { status: 200, json: { id: known, duplicate: true } };
    }
    const body = asRecord(parseJson(req.text));
    if (!body) return { status: 400, json: { error: 'bad json' } };
    const id = randomUUID();
    if (key !== undefined) seen.set(key, id);
    messages.push({ id, idempotencyKey: key, body, receivedAt: now() });
    return { status: 200, json: { id } };
  };

  const server = await startHttpReceiver(handle);
  return {
    url: `${server.origin}/hooks/mgops`,
    messages,
    get duplicates() {
      return state.duplicates;
    },
    get rejected() {
      return state.rejected;
    },
    requests: server.requests,
    setFailure: (f) => server.setFailure(f),
    close: () => server.close(),
  };
}
