/**
 * LISTEN on a connection of its own (a pooled connection would lose it): notifications are passed
 * on; when the connection drops it connects again with a growing pause (0.25 s … 5 s), listens
 * again and says so (`onReconnect`), because whatever was notified meanwhile is lost.
 */
import pg from 'pg';

type Handlers = { onNotify: (payload: string) => void; onReconnect: () => void; onError?: (message: string) => void };

export class PgListener {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private retryMs = 250;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly on: Handlers,
  ) {
    this.connecting = this.connect(false);
  }

  private async connect(again: boolean): Promise<void> {
    if (this.closed) return;
    const c = new pg.Client({ connectionString: this.url, keepAlive: true, connectionTimeoutMillis: 10_000 }); // keep-alive: a silently dead peer is noticed
    let dead = false;
    const lost = (why: string): void => {
      if (dead) return;
      dead = true;
      if (this.client === c) this.client = undefined;
      void c.end().catch(() => undefined);
      if (this.closed) return;
      this.on.onError?.(`directory listener: ${why}; listening again in ${this.retryMs} ms`);
      this.timer = setTimeout(() => (this.connecting = this.connect(true)), this.retryMs);
      this.timer.unref();
      this.retryMs = Math.min(this.retryMs * 2, 5_000);
    };
    c.on('error', (e) => lost(e.message));
    c.on('end', () => lost('connection closed'));
    c.on('notification', (n) => {
      if (n.channel === this.channel) this.on.onNotify(n.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${this.channel}"`);
    } catch (e) {
      lost(e instanceof Error ? e.message : String(e));
      return;
    }
    if (this.closed) {
      dead = true;
      await c.end().catch(() => undefined);
      return;
    }
    this.client = c;
    this.retryMs = 250;
    if (again) this.on.onReconnect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.connecting;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
