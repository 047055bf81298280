/**
 * Errors to events: the message and the stack's frame lines of an Error or of WeChat's onError
 * string, and a message cleaned of free text. The collector parses the frames (V8 `at fn
 * (file:l:c)`, JavaScriptCore `fn@file:l:c`), makes their paths relative and fingerprints the
 * error: grouping can change without an app release, and this SDK stays small.
 */

/** A stack line that is a frame (never the message line, which may hold what a user wrote). */
const FRAME = /^\s*(at |[^\s@]*@).*:\d+:\d+\)?$/;

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
    // WeChat's onError text: noise lines, the message, then the stack
    stack = String(e);
    for (const l of stack.split('\n')) if (!message && !NOISE.test(l.trim()) && !FRAME.test(l)) message = l.trim();
  }
  const info: ErrorInfo = { message_: cleanMessage(message.replace(/^Uncaught /, '')) || 'unknown error' };
  const frames = stack.split('\n').filter((l) => FRAME.test(l));
  if (frames.length) info.stack_ = frames.slice(0, 30).join('\n');
  return info;
}
