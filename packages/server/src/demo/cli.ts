/**
 * `mgops demo …`: talk to a platform started with `--demo`, or load one running elsewhere.
 *   (with login on, pass an API token: --token T, from `mgops tokens create --role ops`)
 *   mgops demo scenarios [--url URL]          the fault scenarios and which are active
 *   mgops demo inject NAME [--url URL]        inject one (see scenarios)
 *   mgops demo remove NAME [--url URL]        remove it
 *   mgops demo outbox [--url URL]             what DingTalk, WeCom, SMS, voice and e-mail received
 *   mgops demo run --target URL --key K [--users N] [--speed S]   simulated traffic to any platform
 */
import { Simulator } from './simulator.js';
import type { OutboxEntry } from './receivers.js';
import { isScenario, SCENARIOS } from './scenarios.js';

type Values = Record<string, string | boolean | undefined>;

/** The API token for a platform with login on (`mgops tokens create`), from --token. */
let token: string | undefined;

async function call(url: string, method = 'GET'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

const time = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(11, 19);
const oneLine = (s: string, n: number) => s.replace(/\s+/g, ' ').slice(0, n);

export function formatOutbox(messages: OutboxEntry[], counts: Record<string, number>): string {
  const lines = [`${Object.entries(counts).map(([c, n]) => `${c}: ${n}`).join('  ') || 'no messages yet'}`];
  for (const m of messages) lines.push(`${time(m.at)}  ${m.channel.padEnd(8)} → ${oneLine(m.to.join(','), 40).padEnd(28)} ${oneLine(m.title, 60)}  ${oneLine(m.text, 100)}`);
  return lines.join('\n');
}

function runTraffic(values: Values): Promise<number> {
  const target = values.target;
  const key = values.key;
  if (typeof target !== 'string' || typeof key !== 'string') throw new Error('demo run needs --target URL --key INGEST_KEY');
  const users = Number(values.users ?? 300);
  const speed = Number(values.speed ?? 12);
  if (!Number.isInteger(users) || users < 1) throw new Error(`--users: '${String(values.users)}' is not a positive integer`);
  if (!(speed > 0)) throw new Error(`--speed: '${String(values.speed)}' is not a positive number`);
  const sim = new Simulator({ endpoint: target.replace(/\/+$/, ''), key, users, speed, lanes: Math.min(32, Math.max(4, Math.ceil(users / 100))), log: (m) => console.log(m) }).start();
  const timer = setInterval(() => console.log(JSON.stringify(sim.snapshot())), 10_000);
  return new Promise((resolve) => {
    const stop = () => {
      clearInterval(timer);
      void sim.stop().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function demoCommand(positionals: string[], values: Values, defaultUrl: string): Promise<number> {
  const sub = positionals[1];
  const base = (typeof values.url === 'string' ? values.url : defaultUrl).replace(/\/+$/, '');
  const name = positionals[2] ?? '';
  if (typeof values.token === 'string') token = values.token;
  switch (sub) {
    case 'run':
      return runTraffic(values);
    case 'scenarios': {
      const r = await call(`${base}/api/demo/scenarios`);
      const list = (r.body as { scenarios?: { name: string; title: string; seed: string; active: boolean }[] }).scenarios ?? [];
      for (const s of list) console.log(`${s.active ? '*' : ' '} ${s.name.padEnd(24)} ${s.title}  [${s.seed}]`);
      return r.status === 200 ? 0 : 1;
    }
    case 'inject':
    case 'remove': {
      if (!isScenario(name)) throw new Error(`unknown scenario '${name}' (known: ${Object.keys(SCENARIOS).join(', ')})`);
      const r = await call(`${base}/api/demo/scenarios/${name}`, sub === 'inject' ? 'POST' : 'DELETE');
      console.log(sub === 'inject' ? `injected ${name}: expect ${SCENARIOS[name].expect.map((e) => `${e.metric} ${e.level}`).join(', ')}` : `removed ${name}`);
      if (r.status >= 300) console.error(JSON.stringify(r.body));
      return r.status < 300 ? 0 : 1;
    }
    case 'outbox': {
      const r = await call(`${base}/api/demo/outbox?limit=50`);
      if (r.status !== 200) throw new Error(`${base}/api/demo/outbox: ${r.status} (is the platform running with --demo?)`);
      const b = r.body as { counts: Record<string, number>; messages: OutboxEntry[] };
      console.log(formatOutbox(b.messages, b.counts));
      return 0;
    }
    default:
      throw new Error(`unknown demo command '${sub ?? ''}' (scenarios, inject NAME, remove NAME, outbox, run --target URL --key K)`);
  }
}
