/**
 * The Node `makeRequest` for sdk-core: one POST over node:http / node:https with keep-alive, a hard
 * time-out, and one immediate retry when a kept-alive socket turns out to be dead — which is what
 * happens to every idle socket of a cloud-function instance that was frozen between invocations.
 */
import type http from 'node:http';
import type { MakeRequest, TransportRequest, TransportResponse } from '@mgops/sdk-core';
import { builtin } from './builtin.js';

export interface NodeTransportOptions {
  /** sockets kept per origin (default 4) */
  maxSockets?: number;
  /** idle sockets are closed after this, ms (default 15 000, below common server keep-alive limits) */
  idleTimeoutMs?: number;
}

export function nodeMakeRequest(options: NodeTransportOptions = {}): MakeRequest {
  const agentOpts = { keepAlive: true, maxSockets: options.maxSockets ?? 4, timeout: options.idleTimeoutMs ?? 15_000 };
  let httpAgent: http.Agent | undefined;
  let httpsAgent: http.Agent | undefined;

  function moduleFor(url: URL): { request: typeof http.request; agent: http.Agent } {
    if (url.protocol === 'http:') {
      const h = builtin('node:http');
      httpAgent ??= new h.Agent(agentOpts);
      return { request: h.request, agent: httpAgent };
    }
    const https = builtin('node:https');
    httpsAgent ??= new https.Agent(agentOpts);
    return { request: https.request, agent: httpsAgent };
  }

  function once(req: TransportRequest, url: URL, mod: { request: typeof http.request; agent: http.Agent }): Promise<TransportResponse & { retry?: boolean }> {
    return new Promise((resolve) => {
      const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
      let settled = false;
      const done = (r: TransportResponse & { retry?: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const r = mod.request(url, {
        method: 'POST',
        agent: mod.agent,
        headers: { ...req.headers, 'content-length': String(body.byteLength) },
      });
      const timer = setTimeout(() => {
        r.destroy(new Error('request timed out'));
        done({ status: 0 });
      }, Math.max(1, req.timeoutMs));
      r.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          done({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', () => done({ status: 0 }));
      });
      r.on('error', (err: NodeJS.ErrnoException) => {
        const stale = r.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        done({ status: 0, retry: stale });
      });
      r.end(body);
    });
  }

  return async (req) => {
    try {
      const url = new URL(req.url);
      const mod = moduleFor(url);
      const first = await once(req, url, mod);
      if (!first.retry) return first;
      const { retry: _retry, ...second } = await once(req, url, mod);
      return second;
    } catch {
      return { status: 0 };
    }
  };
}
