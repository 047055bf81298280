/**
 * A local stand-in for DingTalk's custom robot endpoint (`POST /robot/send?access_token=…`) that
 * checks requests the way DingTalk does and answers like it: HTTP 200 with `errcode`/`errmsg`.
 * Checks: JSON content type, known token, for signed robots a millisecond `timestamp` within one
 * hour of its own clock and the recomputed `sign` (so an un-encoded '+' fails, as it does for
 * real), body under 20,000 bytes, 20 messages a minute per robot (over it: 10 minutes of 130101),
 * and a valid markdown / text / actionCard message. Records which mentions would really ring.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { asRecord, header, parseJson, startHttpReceiver, type ReceivedRequest, type Reply, robotReceiver, type RobotReceiver } from './http.js';

export interface DingTalkRobotSpec {
  accessToken: string;
  secret?: string;
}

export interface DingTalkReceiverOptions {
  /** one robot: its secret (token defaults to 'robot-token-1') */
  secret?: string;
  accessToken?: string;
  /** several robots */
  robots?: DingTalkRobotSpec[];
  /** DingTalk's clock (ms); the system clock by default */
  now?: () => number;
  perMinute?: number;
  throttleMs?: number;
  maxBytes?: number;
}

export interface DingTalkMessage {
  accessToken: string;
  msgtype: string;
  title: string;
  text: string;
  atMobiles: string[];
  isAtAll: boolean;
  /** mobiles that really ring: in at.atMobiles AND written as @mobile in the text (text/markdown only) */
  rang: string[];
  buttons: Array<{ title: string; url: string }>;
  bytes: number;
  receivedAt: number;
  body: Record<string, unknown>;
}

export type DingTalkReceiver = RobotReceiver<DingTalkMessage, { accessToken: string; errcode: number; errmsg: string }>;

const ERR = {
  contentType: { errcode: 43004, errmsg: '无效的HTTP HEADER Content-Type' },
  token: { errcode: 300001, errmsg: 'token is not exist' },
  timestamp: { errcode: 310000, errmsg: 'invalid timestamp' },
  sign: { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' },
  tooLarge: { errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' },
  throttled: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
  param: { errcode: 40035, errmsg: '缺少参数 json' },
};

export async function startDingTalkReceiver(opts: DingTalkReceiverOptions = {}): Promise<DingTalkReceiver> {
  const robots: DingTalkRobotSpec[] = opts.robots ?? [
    { accessToken: opts.accessToken ?? 'robot-token-1', ...(opts.secret !== undefined ? { secret: opts.secret } : {}) },
  ];
  const now = opts.now ?? (() => Date.now());
  const perMinute = opts.perMinute ?? 20;
  const throttleMs = opts.throttleMs ?? 600_000;
  const maxBytes = opts.maxBytes ?? 20_000;
  const sent = new Map<string, number[]>();
  const throttledUntil = new Map<string, number>();
  const messages: DingTalkMessage[] = [];
  const rejected: DingTalkReceiver['rejected'] = [];

  const handle = (req: ReceivedRequest): Reply => {
    const token = req.url.searchParams.get('access_token') ?? '';
    const reject = (e: { errcode: number; errmsg: string }): Reply => {
      rejected.push({ accessToken: token, ...e });
      return { status: 200, json: e };
    };
    if (req.method !== 'POST' || req.url.pathname !== '/robot/send') return { status: 404, text: 'not found' };
    if (!(header(req, 'content-type') ?? '').toLowerCase().startsWith('application/json')) return reject(ERR.contentType);
    const robot = robots.find((r) => r.accessToken === token);
    if (!robot) return reject(ERR.token);
    const t = now();
    if (robot.secret !== undefined) {
      const ts = req.url.searchParams.get('timestamp') ?? '';
      const sign = req.url.searchParams.get('sign') ?? '';
      if (!/^\d{13}$/.test(ts) || Math.abs(t - Number(ts)) > 3_600_000) return reject(ERR.timestamp);
      const expected = createHmac('sha256', robot.secret).update(ts + '\n' + robot.secret).digest('base64');
      const a = Buffer.from(sign);
      const b = Buffer.from(expected);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return reject(ERR.sign);
    }
    if ((throttledUntil.get(token) ?? 0) > t) return reject(ERR.throttled);
    const recent = (sent.get(token) ?? []).filter((x) => x > t - 60_000);
    if (recent.length >= perMinute) {
      throttledUntil.set(token, t + throttleMs);
      return reject(ERR.throttled);
    }
    if (req.body.length >= maxBytes) return reject(ERR.tooLarge);
    const body = asRecord(parseJson(req.text));
    const message = body ? readMessage(body, token, req.body.length, t) : undefined;
    if (!message) return reject(ERR.param);
    recent.push(t);
    sent.set(token, recent);
    messages.push(message);
    return { status: 200, json: { errcode: 0, errmsg: 'ok' } };
  };

  const server = await startHttpReceiver(handle);
  const webhookFor = (token: string): string => `${server.origin}/robot/send?access_token=${encodeURIComponent(token)}`;
  return robotReceiver(server, webhookFor, robots[0]?.accessToken ?? '', messages, rejected);
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

function readMessage(body: Record<string, unknown>, token: string, bytes: number, receivedAt: number): DingTalkMessage | undefined {
  const msgtype = str(body.msgtype);
  const at = asRecord(body.at);
  const atMobiles = Array.isArray(at?.atMobiles) ? at.atMobiles.filter((m): m is string => typeof m === 'string') : [];
  const isAtAll = at?.isAtAll === true;
  const base = { accessToken: token, msgtype: msgtype ?? '', atMobiles, isAtAll, bytes, receivedAt, body };
  if (msgtype === 'markdown') {
    const md = asRecord(body.markdown);
    const title = str(md?.title);
    const text = str(md?.text);
    if (!title || !text) return undefined;
    return { ...base, title, text, rang: atMobiles.filter((m) => text.includes(`@${m}`)), buttons: [] };
  }
  if (msgtype === 'text') {
    const text = str(asRecord(body.text)?.content);
    if (!text) return undefined;
    return { ...base, title: '', text, rang: atMobiles.filter((m) => text.includes(`@${m}`)), buttons: [] };
  }
  if (msgtype === 'actionCard') {
    const card = asRecord(body.actionCard);
    const title = str(card?.title);
    const text = str(card?.text);
    if (!title || !text || !card) return undefined;
    const single = str(card.singleURL);
    const btns = Array.isArray(card.btns) ? card.btns.map(asRecord) : [];
    const buttons = single
      ? [{ title: str(card.singleTitle) ?? '', url: single }]
      : btns.map((b) => ({ title: str(b?.title) ?? '', url: str(b?.actionURL) ?? '' })).filter((b) => b.title !== '' && b.url !== '');
    if (buttons.length === 0) return undefined;
    // actionCard messages do not support @ mentions: nobody rings
    return { ...base, title, text, rang: [], buttons };
  }
  return undefined;
}
