/**
 * A local stand-in for the Feishu custom bot (`POST /open-apis/bot/v2/hook/<token>`): known token
 * (else 19001); for signed bots a seconds `timestamp` within one hour and `sign` = base64 of
 * HMAC-SHA256 keyed with `timestamp + "\n" + secret` over the empty string (else 19021); body
 * ≤ 20 KB; 5 a second and 100 a minute per bot (else 11232); answers `{code, msg, data}`.
 */
import { createHmac } from 'node:crypto';
import { asRecord, parseJson, startHttpReceiver, type ReceivedRequest, type Reply, robotReceiver, type RobotReceiver } from './http.js';

export interface FeishuMessage {
  token: string;
  msgType: string;
  title: string;
  content: string;
  mentions: string[];
  buttons: Array<{ title: string; url: string }>;
  receivedAt: number;
}

export type FeishuReceiver = RobotReceiver<FeishuMessage, { token: string; code: number; msg: string }>;

export interface FeishuReceiverOptions {
  bots?: Array<{ token: string; secret?: string }>;
  secret?: string;
  now?: () => number;
  maxBytes?: number;
}

export async function startFeishuReceiver(opts: FeishuReceiverOptions = {}): Promise<FeishuReceiver> {
  const bots = opts.bots ?? [{ token: 'feishu-hook-1', ...(opts.secret !== undefined ? { secret: opts.secret } : {}) }];
  const now = opts.now ?? (() => Date.now());
  const maxBytes = opts.maxBytes ?? 20 * 1024;
  const sent = new Map<string, number[]>();
  const messages: FeishuMessage[] = [];
  const rejected: FeishuReceiver['rejected'] = [];

  const handle = (req: ReceivedRequest): Reply => {
    const m = /^\/open-apis\/bot\/v2\/hook\/([^/]+)$/.exec(req.url.pathname);
    const token = m?.[1] ?? '';
    const reject = (code: number, msg: string): Reply => {
      rejected.push({ token, code, msg });
      return { status: 200, json: { code, msg, data: {} } };
    };
    if (req.method !== 'POST' || !m) return { status: 404, text: 'not found' };
    const bot = bots.find((b) => b.token === token);
    if (!bot) return reject(19001, 'param invalid: incoming webhook access token invalid');
    if (req.body.length > maxBytes) return reject(9499, 'Bad Request: request body too large');
    const body = asRecord(parseJson(req.text));
    if (!body) return reject(9499, 'Bad Request');
    const t = now();
    if (bot.secret !== undefined) {
      const ts = typeof body.timestamp === 'string' ? body.timestamp : '';
      const expected = /^\d{10}$/.test(ts) ? createHmac('sha256', ts + '\n' + bot.secret).update(Buffer.alloc(0)).digest('base64') : '';
      if (expected === '' || Math.abs(t / 1000 - Number(ts)) > 3600 || body.sign !== expected) {
        return reject(19021, 'sign match fail or timestamp is not within one hour from current time');
      }
    }
    const recent = (sent.get(token) ?? []).filter((x) => x > t - 60_000);
    if (recent.length >= 100 || recent.filter((x) => x > t - 1000).length >= 5) return reject(11232, 'frequency limited psm');
    const message = readMessage(body, token, t);
    if (!message) return reject(9499, 'Bad Request');
    recent.push(t);
    sent.set(token, recent);
    messages.push(message);
    return { status: 200, json: { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' } };
  };

  const server = await startHttpReceiver(handle);
  const webhookFor = (token: string): string => `${server.origin}/open-apis/bot/v2/hook/${encodeURIComponent(token)}`;
  return robotReceiver(server, webhookFor, bots[0]?.token ?? '', messages, rejected);
}

function readMessage(body: Record<string, unknown>, token: string, receivedAt: number): FeishuMessage | undefined {
  const msgType = body.msg_type;
  if (msgType === 'text') {
    const text = asRecord(body.content)?.text;
    if (typeof text !== 'string') return undefined;
    return { token, msgType, title: '', content: text, mentions: mentionsIn(text), buttons: [], receivedAt };
  }
  if (msgType !== 'interactive') return undefined;
  const card = asRecord(body.card);
  const title = asRecord(asRecord(card?.header)?.title)?.content;
  const elements = Array.isArray(card?.elements) ? card.elements.map(asRecord) : [];
  let content = '';
  const buttons: FeishuMessage['buttons'] = [];
  for (const el of elements) {
    const text = asRecord(el?.text);
    if (el?.tag === 'div' && typeof text?.content === 'string') content += text.content;
    if (el?.tag === 'action' && Array.isArray(el.actions)) {
      for (const a of el.actions.map(asRecord)) {
        const label = asRecord(a?.text)?.content;
        if (typeof label === 'string' && typeof a?.url === 'string') buttons.push({ title: label, url: a.url });
      }
    }
  }
  if (typeof title !== 'string' || content === '') return undefined;
  return { token, msgType, title, content, mentions: mentionsIn(content), buttons, receivedAt };
}

function mentionsIn(text: string): string[] {
  return [...text.matchAll(/<at (?:id|user_id)="?([^">\s]+)"?>/g)].map((m) => m[1] ?? '');
}
