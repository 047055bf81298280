/**
 * A proxy in front of the collector that can be switched to fail the way networks do: `down`
 * (connections reset), `slow` (answers after a delay), `error` (503), or `up` (forwards).
 */
import { createServer, request, type Server } from 'node:http';
import { close, listen, sleep } from '../support.js';

export type ProxyMode = { kind: 'up' } | { kind: 'down' } | { kind: 'slow'; delayMs: number } | { kind: 'error'; status: number };

export class FaultyProxy {
  url = '';
  mode: ProxyMode = { kind: 'up' };
  requests = 0;
  private readonly server: Server;

  constructor(private readonly target: string) {
    this.server = createServer((req, res) => {
      this.requests++;
      const mode = this.mode;
      if (mode.kind === 'down') {
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          if (mode.kind === 'slow') await sleep(mode.delayMs);
          if (mode.kind === 'error') {
            res.writeHead(mode.status, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ code: 'UNAVAILABLE', message: 'down for maintenance' }));
            return;
          }
          const up = request(this.target + (req.url ?? '/'), { method: req.method, headers: req.headers }, (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          });
          up.on('error', () => res.destroy());
          up.end(Buffer.concat(chunks));
        })();
      });
    });
  }

  async start(): Promise<this> {
    this.url = await listen(this.server);
    return this;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}
