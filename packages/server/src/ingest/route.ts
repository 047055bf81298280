/**
 * POST /api/v1/events — the collector's front door: key, rate limit, body (gzip, UTF-8, JSON),
 * validation, privacy, then a durable group commit before the answer.
 */
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IngestResponse } from '@mgops/protocol';
import { ApiError } from '../util/errors.js';
import type { Clock } from '../util/clock.js';
import type { KeyCache } from './keys.js';
import type { RateLimiter } from './ratelimit.js';
import { prepareBatch, type PipelineSettings } from './pipeline.js';
import type { Privacy } from './privacy.js';
import type { IngestWriter } from './writer.js';
import { describe } from '../api/docs.js';

export type IngestDeps = {
  clock: Clock;
  keys: KeyCache;
  limiter: RateLimiter;
  privacy: Privacy;
  writer: IngestWriter;
  settings: PipelineSettings;
  maxBodyBytes: number;
  /** requests being read or processed at once; beyond it 429 before the body is read */
  maxConcurrentRequests: number;
  count: (what: 'accepted' | 'duplicate' | 'rejected', n: number) => void;
  reject: (reason: string) => void;
};

/** Decodes the raw body: optional gzip (bounded), strict UTF-8, JSON. */
export function decodeBody(raw: Buffer, encoding: string | undefined, maxBytes: number): unknown {
  let buf = raw;
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc === 'gzip') {
    try {
      buf = gunzipSync(raw, { maxOutputLength: maxBytes });
    } catch (e) {
      const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /larger than|maxOutputLength/i.test((e as Error).message);
      throw tooBig
        ? new ApiError('PAYLOAD_TOO_LARGE', `decompressed body exceeds ${maxBytes} bytes`, 'body')
        : new ApiError('INVALID_ENCODING', 'body is not valid gzip', 'content-encoding');
    }
  } else if (enc !== 'identity') {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `unsupported content-encoding '${enc.slice(0, 20)}' (use gzip or none)`, 'content-encoding');
  }
  if (!isUtf8(buf)) throw new ApiError('INVALID_ENCODING', 'body is not valid UTF-8', 'body');
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (e) {
    const msg = e instanceof RangeError ? 'JSON nested too deeply' : `malformed JSON: ${(e as Error).message.slice(0, 120)}`;
    throw new ApiError('INVALID_JSON', msg, 'body');
  }
}

export function registerIngest(app: FastifyInstance, d: IngestDeps): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ['application/json', 'text/plain'],
      { parseAs: 'buffer', bodyLimit: d.maxBodyBytes },
      (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
        try {
          done(null, decodeBody(body, req.headers['content-encoding'] as string | undefined, d.maxBodyBytes));
        } catch (e) {
          done(e as Error);
        }
      },
    );
    scope.addContentTypeParser('*', (_req, _payload, done) => {
      done(new ApiError('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json', 'content-type'));
    });

    let inflight = 0;
    scope.post('/api/v1/events', {
      ...describe('ingest', 'Ingest a batch of events (acknowledged after they are durably stored)', { auth: 'ingest' }),
      onResponse: async () => {
        inflight--;
      },
      onRequest: async (req, reply) => {
        inflight++;
        if (inflight > d.maxConcurrentRequests) {
          d.reject('overloaded');
          reply.header('retry-after', '1');
          throw new ApiError('OVERLOADED', 'too many requests in progress; retry later', undefined, 1);
        }
        const key = req.headers['x-mgops-key'];
        if (typeof key !== 'string' || key === '') {
          d.reject('no_key');
          throw new ApiError('UNAUTHORIZED', 'missing ingest key header x-mgops-key', 'x-mgops-key');
        }
        const appId = await d.keys.appOf(key);
        if (!appId) {
          d.reject('bad_key');
          throw new ApiError('UNAUTHORIZED', 'unknown or revoked ingest key', 'x-mgops-key');
        }
        const wait = d.limiter.take(key, d.clock.now());
        if (wait > 0) {
          d.reject('rate_limited');
          reply.header('retry-after', String(wait));
          throw new ApiError('RATE_LIMITED', 'rate limit exceeded for this ingest key', 'x-mgops-key', wait);
        }
        (req as FastifyRequest & { mgApp?: string }).mgApp = appId;
      },
    }, async (req, reply) => {
      const appId = (req as FastifyRequest & { mgApp?: string }).mgApp ?? '';
      const receivedAt = d.clock.now();
      let prepared;
      try {
        prepared = prepareBatch(req.body, appId, receivedAt, d.settings, d.privacy);
      } catch (e) {
        d.reject(e instanceof ApiError ? e.code.toLowerCase() : 'invalid');
        throw e;
      }
      const { write, rejected } = prepared;
      if (rejected.length > 0) {
        d.count('rejected', rejected.length);
        d.reject('invalid_event');
      }
      if (write.events.length === 0 && rejected.length > 0) {
        const first = rejected[0]!;
        return reply.code(400).send({ code: 'INVALID_FIELD', message: `no valid event in the batch: ${first.message}`, field: first.field, rejected });
      }
      const result = write.events.length > 0 ? await d.writer.enqueue(write) : { seq: 0, fresh: [] };
      const accepted = result.fresh.filter(Boolean).length;
      d.count('accepted', accepted);
      d.count('duplicate', result.fresh.length - accepted);
      const res: IngestResponse = { accepted, duplicates: result.fresh.length - accepted, rejected, config: { enabled: true } };
      return res;
    });
  });
}
