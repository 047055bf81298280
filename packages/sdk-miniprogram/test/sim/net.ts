/**
 * wx.request / wx.uploadFile / wx.downloadFile / wx.cloud.callContainer, performing real HTTP to
 * 127.0.0.1 with node:http. Faithful where the SDK can notice: a task object is returned at once
 * (RequestTask with abort/onHeadersReceived), callbacks arrive asynchronously with WeChat's
 * errMsg strings, at most 10 tasks run at once, `timeout` (default 60 s) fails with
 * "request:fail timeout", offline fails at once, and a request still pending 5 s after the app
 * went to the background fails with "request:fail interrupted". Answers are delivered after the
 * configured virtual latency, so measured durations are known exactly.
 */
import http from 'node:http';
import type { SimClock } from './clock.js';

type Dict = Record<string, unknown>;
type Cb = ((res: Dict) => void) | undefined;

export interface NetEnv {
  clock: SimClock;
  online(): boolean;
  /** hidden for more than 5 s */
  interrupted(): boolean;
  latency(url: string): number;
  /** runs an app callback; a throw goes to onError like in WeChat */
  invoke(fn: unknown, arg: unknown): void;
  files: Map<string, Buffer>;
}

export interface SimTask {
  abort(): void;
  onHeadersReceived(cb: (r: Dict) => void): void;
  offHeadersReceived(cb?: (r: Dict) => void): void;
  onProgressUpdate(cb: (r: Dict) => void): void;
  offProgressUpdate(cb?: (r: Dict) => void): void;
  onChunkReceived(cb: (r: Dict) => void): void;
  offChunkReceived(cb?: (r: Dict) => void): void;
}

export interface NetLog {
  api: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface SimNet {
  request(o: Dict): SimTask;
  uploadFile(o: Dict): SimTask;
  downloadFile(o: Dict): SimTask;
  callContainer(o: Dict, base: string): Promise<Dict>;
  /** fails every task still pending (the 5 s background rule) */
  interruptAll(): void;
  active(): number;
  /** what the app sent, for privacy checks */
  log: NetLog[];
}

const MAX_TASKS = 10;

function toBody(data: unknown, method: string, header: Record<string, string>): { url: string; body: Buffer | undefined } {
  if (data === undefined || data === null) return { url: '', body: undefined };
  if (method === 'GET') {
    if (typeof data === 'object' && !(data instanceof ArrayBuffer)) {
      const q = new URLSearchParams(Object.entries(data as Dict).map(([k, v]) => [k, String(v)])).toString();
      return { url: q, body: undefined };
    }
    return { url: String(data), body: undefined };
  }
  if (typeof data === 'string') return { url: '', body: Buffer.from(data) };
  if (data instanceof ArrayBuffer) return { url: '', body: Buffer.from(data) };
  const ct = Object.entries(header).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
  if (ct.includes('x-www-form-urlencoded')) {
    return { url: '', body: Buffer.from(new URLSearchParams(Object.entries(data as Dict).map(([k, v]) => [k, String(v)])).toString()) };
  }
  return { url: '', body: Buffer.from(JSON.stringify(data)) };
}

export function createNet(env: NetEnv): SimNet {
  const tasks = new Set<{ fail(msg: string): void }>();
  const log: NetLog[] = [];

  function run(api: string, o: Dict, prepare: () => { url: string; method: string; headers: Record<string, string>; body?: Buffer }, answer: (status: number, headers: Dict, body: Buffer) => Dict): SimTask {
    const success = o.success as Cb;
    const fail = o.fail as Cb;
    const complete = o.complete as Cb;
    let done = false;
    const h: { req?: http.ClientRequest; timer?: unknown } = {};
    const headerCbs = new Set<(r: Dict) => void>();
    const finish = (ok: boolean, res: Dict): void => {
      if (done) return;
      done = true;
      tasks.delete(entry);
      env.clock.clearTimeout(h.timer);
      if (ok) env.invoke(success, res);
      else env.invoke(fail, res);
      env.invoke(complete, res);
    };
    const failLater = (msg: string, ms = 0): void => void env.clock.setTimeout(() => finish(false, { errMsg: `${api}:fail ${msg}` }), ms);
    const entry = {
      fail: (msg: string) => {
        h.req?.destroy();
        finish(false, { errMsg: `${api}:fail ${msg}` });
      },
    };
    const task: SimTask = {
      abort: () => entry.fail('abort'),
      onHeadersReceived: (cb) => void headerCbs.add(cb),
      offHeadersReceived: (cb) => (cb ? void headerCbs.delete(cb) : headerCbs.clear()),
      onProgressUpdate: () => undefined,
      offProgressUpdate: () => undefined,
      onChunkReceived: () => undefined,
      offChunkReceived: () => undefined,
    };
    if (tasks.size >= MAX_TASKS) {
      failLater('exceed max task count');
      return task;
    }
    let p: ReturnType<typeof prepare>;
    try {
      p = prepare();
    } catch (e) {
      failLater((e as Error).message);
      return task;
    }
    let target: URL;
    try {
      target = new URL(p.url);
    } catch {
      failLater('invalid url "' + p.url + '"');
      return task;
    }
    if (target.hostname !== '127.0.0.1' || !/^https?:$/.test(target.protocol)) {
      failLater(`url not in domain list`);
      return task;
    }
    if (!env.online()) {
      failLater('net::ERR_INTERNET_DISCONNECTED');
      return task;
    }
    if (env.interrupted()) {
      failLater('interrupted');
      return task;
    }
    tasks.add(entry);
    log.push({ api, url: p.url, method: p.method, headers: p.headers, body: p.body ?? Buffer.alloc(0) });
    h.timer = env.clock.setTimeout(() => entry.fail('timeout'), Number(o.timeout) || 60_000);
    const ioDone = env.clock.ioStart();
    const latency = env.latency(p.url);
    const req = (h.req = http.request(target, { method: p.method, headers: p.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        ioDone();
        const hdrs = res.headers as Dict;
        env.clock.setTimeout(() => {
          if (done) return;
          for (const cb of headerCbs) env.invoke(cb, { header: hdrs });
          finish(true, answer(res.statusCode ?? 0, hdrs, Buffer.concat(chunks)));
        }, latency);
      });
      res.on('error', () => {
        ioDone();
        failLater('socket hang up', latency);
      });
    }));
    req.on('error', (e: NodeJS.ErrnoException) => {
      ioDone();
      if (!done) failLater(e.code === 'ECONNREFUSED' ? 'net::ERR_CONNECTION_REFUSED' : e.code || 'error', latency);
    });
    if (p.body) req.write(p.body);
    req.end();
    return task;
  }

  const parse = (o: Dict, buf: Buffer): unknown => {
    if (o.responseType === 'arraybuffer') return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const text = buf.toString('utf8');
    if ((o.dataType ?? 'json') === 'json') {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }
    return text;
  };

  return {
    log,
    active: () => tasks.size,
    interruptAll: () => {
      for (const t of [...tasks]) t.fail('interrupted');
    },
    request: (o) =>
      run('request', o, () => {
        const method = String(o.method ?? 'GET').toUpperCase();
        const headers = { ...((o.header as Record<string, string>) ?? {}) };
        const { url: q, body } = toBody(o.data, method, headers);
        let url = String(o.url);
        if (q) url += (url.includes('?') ? '&' : '?') + q;
        if (body && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
        return { url, method, headers, body };
      }, (statusCode, header, buf) => ({ data: parse(o, buf), statusCode, header, cookies: [], errMsg: 'request:ok' })),
    uploadFile: (o) =>
      run('uploadFile', o, () => {
        const file = env.files.get(String(o.filePath));
        if (!file) throw new Error(`file not found: ${String(o.filePath)}`);
        const boundary = '----mgsim' + Date.now();
        const parts: Buffer[] = [];
        for (const [k, v] of Object.entries((o.formData as Dict) ?? {})) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`));
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${String(o.name)}"; filename="upload"\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`));
        return { url: String(o.url), method: 'POST', headers: { ...((o.header as Record<string, string>) ?? {}), 'content-type': `multipart/form-data; boundary=${boundary}` }, body: Buffer.concat(parts) };
      }, (statusCode, _h, buf) => ({ data: buf.toString('utf8'), statusCode, errMsg: 'uploadFile:ok' })),
    downloadFile: (o) =>
      run('downloadFile', o, () => ({ url: String(o.url), method: 'GET', headers: (o.header as Record<string, string>) ?? {} }), (statusCode, _h, buf) => {
        const tempFilePath = `wxfile://tmp_${env.files.size + 1}`;
        env.files.set(tempFilePath, buf);
        return { tempFilePath, statusCode, errMsg: 'downloadFile:ok' };
      }),
    callContainer: (o, base) =>
      new Promise((resolve, reject) => {
        const path = String(o.path ?? '/');
        run('cloud.callContainer', { ...o, success: resolve, fail: reject, complete: undefined }, () => {
          const method = String(o.method ?? 'GET').toUpperCase();
          const headers = { ...((o.header as Record<string, string>) ?? {}) };
          const { url: q, body } = toBody(o.data, method, headers);
          return { url: base + path + (q ? (path.includes('?') ? '&' : '?') + q : ''), method, headers, body };
        }, (statusCode, header, buf) => ({ data: parse(o, buf), statusCode, header, callID: 'call-' + Date.now(), errMsg: 'cloud.callContainer:ok' }));
      }),
  };
}
