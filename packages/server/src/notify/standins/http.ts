/**
 * A tiny real HTTP server on 127.0.0.1 (port 0) for the provider receivers: it reads the whole
 * request, hands it to the receiver's handler and writes the answer. A failure switch lets a test
 * make the provider misbehave (HTTP 5xx, a provider error body, a dropped connection, a slow
 * answer), for a number of requests or until cleared.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedRequest = {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
};

export type Reply = { status: number; json?: unknown; text?: string; headers?: Record<string, string> };

export type Failure =
  /** answer with this HTTP status (and an optional body) */
  | { kind: 'http'; status: number; json?: unknown }
  /** answer HTTP 200 with this body (a provider error such as DingTalk's errcode) */
  | { kind: 'reply'; json: unknown }
  /** destroy the connection without an answer */
  | { kind: 'drop' }
  /** handle normally but answer after a delay */
  | { kind: 'delay'; ms: number };

export type FailureSetting = Failure & {
  /** how many requests to fail; all of them until cleared when omitted */
  times?: number;
};

export interface HttpReceiver {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  /** every request seen, failed or not */
  requests: ReceivedRequest[];
  setFailure(f: FailureSetting | null): void;
  close(): Promise<void>;
}

/** A group-robot stand-in (DingTalk, WeCom, Feishu): its webhook URLs, what it accepted and refused. */
export interface RobotReceiver<M, R> {
  /** webhook URL of the first robot */
  url: string;
  webhookFor(token: string): string;
  messages: M[];
  rejected: R[];
  requests: ReceivedRequest[];
  setFailure(f: FailureSetting | null): void;
  close(): Promise<void>;
}

export function robotReceiver<M, R>(server: HttpReceiver, webhookFor: (token: string) => string, firstToken: string, messages: M[], rejected: R[]): RobotReceiver<M, R> {
  return {
    url: webhookFor(firstToken),
    webhookFor,
    messages,
    rejected,
    requests: server.requests,
    setFailure: (f) => server.setFailure(f),
    close: () => server.close(),
  };
}

export async function startHttpReceiver(handler: (req: ReceivedRequest) => Reply | Promise<Reply>): Promise<HttpReceiver> {
  let failure: FailureSetting | null = null;
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const received: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body,
        text: body.toString('utf8'),
      };
      requests.push(received);
      const active = failure;
      if (active && active.times !== undefined) {
        active.times -= 1;
        if (active.times <= 0) failure = null;
      }
      const respond = (reply: Reply): void => {
        if (res.destroyed) return;
        const payload = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
        res.writeHead(reply.status, {
          'content-type': reply.json !== undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
          ...reply.headers,
        });
        res.end(payload);
      };
      if (active?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (active?.kind === 'http') {
        respond({ status: active.status, json: active.json ?? { error: 'injected failure' } });
        return;
      }
      if (active?.kind === 'reply') {
        respond({ status: 200, json: active.json });
        return;
      }
      Promise.resolve()
        .then(() => handler(received))
        .then(
          (reply) => {
            if (active?.kind === 'delay') setTimeout(() => respond(reply), active.ms);
            else respond(reply);
          },
          (err: unknown) => respond({ status: 500, json: { error: String(err) } }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    setFailure(f) {
      failure = f ? { ...f } : null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function header(req: ReceivedRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function asRecord(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}
