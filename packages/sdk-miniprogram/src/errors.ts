/**
 * Errors to events: the message and stack of an Error or of WeChat's onError string, the stack
 * parsed into frames (V8 `at fn (file:l:c)`, JavaScriptCore `fn@file:l:c`) with file paths made
 * relative to the package, a fingerprint, and a message cleaned of free text.
 */
export interface Frame {
  fn_: string;
  file_: string;
  line_: number;
  col_: number;
}

const V8 = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;
const JSC = /^\s*(.*?)@(.+?):(\d+):(\d+)$/;

/** `https://servicewechat.com/wx123/7/appservice/pages/a.js` → `pages/a.js` */
export function shortFile(file: string): string {
  return file
    .replace(/^[a-z]+:\/\/[^/]*/i, '')
    .replace(/^\/?(?:wx[0-9a-f]{16}\/[^/]+\/|usr\/|[a-z-]*service\/)+/i, '')
    .replace(/^\/+/, '');
}

export function parseFrames(stack: string): Frame[] {
  const out: Frame[] = [];
  for (const line of stack.split('\n')) {
    const m = V8.exec(line) || JSC.exec(line);
    if (!m || out.length >= 30) continue;
    out.push({ fn_: m[1] || '?', file_: shortFile(m[2] || ''), line_: +(m[3] || 0), col_: +(m[4] || 0) });
  }
  return out;
}

/**
 * Free text out of a message: runs of CJK characters (what a user writes in a diary) become
 * `[text]`, quoted strings longer than 24 characters become `"[text]"`. Phone numbers, ids, e-mail
 * and the like are masked later by the core with the collector's rules.
 */
export function cleanMessage(msg: string): string {
  return msg
    .replace(/([a-z]+:\/\/[^\s?#]*)[?#][^\s]*/gi, '$1')
    .replace(/[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef][\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef\s\u3000-\u303f,.!?0-9]*/g, '[text]')
    .replace(/(["'`])[^"'`\n]{25,}\1/g, '"[text]"');
}

export interface ErrorInfo {
  message_: string;
  stack_?: string;
  fingerprint_: string;
}

function hash(s: string): string {
  let h = 5381;
  for (let i = 0; i < s.length; i++) h = ((h << 5) + h + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}

const NOISE = /^(MiniProgramError|thirdScriptError|Error|undefined|null)?$/;

/** By stack (or text): [name + message, info]. Keyed by the stack string itself, not a concatenation, so a lookup needs no new string. */
const cache = new Map<string, [string, ErrorInfo]>();

/** From anything thrown, an onError string, or a rejection reason (an error storm is parsed once). */
export function errorInfo(e: unknown): ErrorInfo {
  const x = e && typeof e === 'object' ? (e as { message?: unknown; stack?: unknown; name?: unknown }) : undefined;
  const key = String(x ? x.stack : e);
  const head = x ? String(x.name) + String(x.message) : '';
  let hit = cache.get(key);
  if (!hit || hit[0] !== head) {
    if (cache.size > 20) cache.clear();
    cache.set(key, (hit = [head, parse(e)]));
  }
  return hit[1];
}

function parse(e: unknown): ErrorInfo {
  let message = '';
  let stack = '';
  if (e && typeof e === 'object') {
    const x = e as { message?: unknown; stack?: unknown; name?: unknown };
    message = (typeof x.name === 'string' && x.name !== 'Error' ? x.name + ': ' : '') + String(x.message ?? '');
    stack = typeof x.stack === 'string' ? x.stack : '';
    if (!message && !stack) message = 'non-error object thrown';
  } else {
    const text = String(e);
    const lines = text.split('\n');
    const rest: string[] = [];
    for (const l of lines) {
      if (!message && !NOISE.test(l.trim()) && !V8.test(l) && !JSC.test(l)) message = l.trim();
      else rest.push(l);
    }
    stack = rest.join('\n');
  }
  const frames = parseFrames(stack);
  message = cleanMessage(message.replace(/^Uncaught /, '')) || 'unknown error';
  const top = frames.slice(0, 3).map((f) => f.fn_ + '@' + f.file_).join('|');
  const info: ErrorInfo = {
    message_: message,
    fingerprint_: hash(message.replace(/\d+/g, '#') + '|' + top),
  };
  if (frames.length) info.stack_ = frames.map((f) => `at ${f.fn_} (${f.file_}:${f.line_}:${f.col_})`).join('\n');
  return info;
}
