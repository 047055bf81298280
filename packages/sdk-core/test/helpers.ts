/** A scripted collector behind `makeRequest`, and a client wired to the manual clock. */
import { createClient, type ClientOptions, type MakeRequest, type MgEvent, type TransportRequest, type TransportResponse } from '../src/index.js';
import { manualClock, memoryStorage, type ManualClock, type MemoryStorage } from '../src/testing.js';

export interface Sent {
  req: TransportRequest;
  envelope: { v: number; app: string; env: string; sdk: unknown; sentAt: number; events: MgEvent[] } & Record<string, unknown>;
}

export type Script = (req: TransportRequest, n: number) => TransportResponse | Promise<TransportResponse> | 'hang' | 'throw';

export interface FakeCollector {
  makeRequest: MakeRequest;
  sent: Sent[];
  /** events the collector kept, by id (a retry of a known id counts as a duplicate) */
  stored: Map<string, MgEvent>;
  duplicates: number;
  script: Script;
  pending: number;
}

export function fakeCollector(script?: Script): FakeCollector {
  const c: FakeCollector = {
    sent: [],
    stored: new Map(),
    duplicates: 0,
    pending: 0,
    script: script ?? (() => ({ status: 200 })),
    makeRequest: async (req) => {
      const text = typeof req.body === 'string' ? req.body : new TextDecoder().decode(await gunzip(req.body));
      const envelope = JSON.parse(text) as Sent['envelope'];
      c.sent.push({ req, envelope });
      const r = c.script(req, c.sent.length);
      if (r === 'hang') {
        c.pending++;
        return new Promise<TransportResponse>(() => undefined);
      }
      if (r === 'throw') throw new Error('request:fail');
      const res = await r;
      if (res.status === 200 && res.body === undefined) {
        let dup = 0;
        for (const e of envelope.events) {
          if (c.stored.has(e.id)) dup++;
          else c.stored.set(e.id, e);
        }
        c.duplicates += dup;
        return { status: 200, body: { accepted: envelope.events.length - dup, duplicates: dup, rejected: [] } };
      }
      return res;
    },
  };
  return c;
}

async function gunzip(b: Uint8Array): Promise<Uint8Array> {
  const { gunzipSync } = await import('node:zlib');
  return gunzipSync(b);
}

export interface Rig {
  clock: ManualClock;
  storage: MemoryStorage;
  collector: FakeCollector;
  client: ReturnType<typeof createClient>;
}

export function rig(opts: Partial<ClientOptions> = {}, script?: Script, storage?: MemoryStorage, clock?: ManualClock): Rig {
  const c = clock ?? manualClock();
  const s = storage ?? memoryStorage();
  const collector = fakeCollector(script);
  let seed = 1;
  const client = createClient(
    {
      endpoint: 'http://127.0.0.1:9/',
      key: 'k_test',
      app: 'mindguard',
      env: 'test',
      sdk: { name: 'test', version: '1.0.0' },
      clock: c,
      storage: s,
      random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
      ...opts,
    },
    collector.makeRequest,
  );
  return { clock: c, storage: s, collector, client };
}

export function allSentEvents(c: FakeCollector): MgEvent[] {
  return c.sent.flatMap((s) => s.envelope.events);
}
