/**
 * A local stand-in for the WeCom group robot (`POST /cgi-bin/webhook/send?key=…`): known key
 * (else 93000), JSON body, text content ≤ 2,048 bytes and markdown ≤ 4,096 bytes (else 40058),
 * 20 messages a minute per robot (else 45009), answers `{errcode, errmsg}` in HTTP 200.
 */
import { asRecord, parseJson, startHttpReceiver, type ReceivedRequest, type Reply, robotReceiver, type RobotReceiver } from './http.js';

export interface WeComMessage {
  key: string;
  msgtype: 'text' | 'markdown';
  content: string;
  mentionedMobiles: string[];
  receivedAt: number;
}

export type WeComReceiver = RobotReceiver<WeComMessage, { key: string; errcode: number; errmsg: string }>;

export async function startWeComReceiver(opts: { keys?: string[]; now?: () => number; perMinute?: number } = {}): Promise<WeComReceiver> {
  const keys = opts.keys ?? ['wecom-key-1'];
  const now = opts.now ?? (() => Date.now());
  const perMinute = opts.perMinute ?? 20;
  const sent = new Map<string, number[]>();
  const messages: WeComMessage[] = [];
  const rejected: WeComReceiver['rejected'] = [];

  const handle = (req: ReceivedRequest): Reply => {
    const key = req.url.searchParams.get('key') ?? '';
    const reject = (errcode: number, errmsg: string): Reply => {
      rejected.push({ key, errcode, errmsg });
      return { status: 200, json: { errcode, errmsg } };
    };
    if (req.method !== 'POST' || req.url.pathname !== '/cgi-bin/webhook/send') return { status: 404, text: 'not found' };
    if (!keys.includes(key)) return reject(93000, 'invalid webhook url, hint: [1700000000_1_abc]');
    const t = now();
    const recent = (sent.get(key) ?? []).filter((x) => x > t - 60_000);
    if (recent.length >= perMinute) return reject(45009, 'api freq out of limit');
    const body = asRecord(parseJson(req.text));
    const msgtype = body?.msgtype;
    let message: WeComMessage | undefined;
    if (msgtype === 'text') {
      const text = asRecord(body?.text);
      const content = typeof text?.content === 'string' ? text.content : '';
      if (Buffer.byteLength(content) > 2048) return reject(40058, 'text.content exceed max length 2048');
      const list = Array.isArray(text?.mentioned_mobile_list) ? text.mentioned_mobile_list.filter((m): m is string => typeof m === 'string') : [];
      if (content !== '') message = { key, msgtype, content, mentionedMobiles: list, receivedAt: t };
    } else if (msgtype === 'markdown') {
      const content = asRecord(body?.markdown)?.content;
      if (typeof content === 'string' && Buffer.byteLength(content) > 4096) return reject(40058, 'markdown.content exceed max length 4096');
      if (typeof content === 'string' && content !== '') message = { key, msgtype, content, mentionedMobiles: [], receivedAt: t };
    }
    if (!message) return reject(40008, 'invalid message type');
    recent.push(t);
    sent.set(key, recent);
    messages.push(message);
    return { status: 200, json: { errcode: 0, errmsg: 'ok' } };
  };

  const server = await startHttpReceiver(handle);
  const webhookFor = (key: string): string => `${server.origin}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
  return robotReceiver(server, webhookFor, keys[0] ?? '', messages, rejected);
}
