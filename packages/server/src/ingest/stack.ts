/**
 * Error grouping at the door. The mini-program SDK sends a JS error's stack as the frame lines it
 * saw (V8 `at fn (file:l:c)` or JavaScriptCore `fn@file:l:c`, absolute servicewechat.com URLs),
 * the Node SDK a failed cloud function's or database request's error with its V8 stack; here they
 * become frames with paths relative to the package, one canonical text, and a fingerprint: the
 * message (with the error type for the Node SDK) with numbers folded, and the top three frames. Grouping lives in the
 * collector so it can change without a WeChat-reviewed app release, and the SDK stays small.
 * An SDK that sent its own fingerprint (versions before 0.2) computed this same function.
 */
export interface Frame {
  fn: string;
  file: string;
  line: number;
  col: number;
}

const V8 = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;
const JSC = /^\s*(.*?)@(.+?):(\d+):(\d+)$/;
const MAX_FRAMES = 30;

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
    const m = V8.exec(line) ?? JSC.exec(line);
    if (!m) continue;
    out.push({ fn: m[1] || '?', file: shortFile(m[2] ?? ''), line: Number(m[3]), col: Number(m[4]) });
    if (out.length >= MAX_FRAMES) break;
  }
  return out;
}

/** djb2, base36: short and stable across SDK and collector versions. */
function hash(s: string): string {
  let h = 5381;
  for (let i = 0; i < s.length; i++) h = ((h << 5) + h + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}

export function errorFingerprint(message: string, frames: Frame[]): string {
  const top = frames.slice(0, 3).map((f) => `${f.fn}@${f.file}`).join('|');
  return hash(`${message.replace(/\d+/g, '#')}|${top}`);
}

type ErrorFields = { type?: string; message?: string; stack?: string; fingerprint?: string };

/** Canonical stack (when it has frames) and a fingerprint, in place; `head` is what the message part is. */
function group(x: ErrorFields, head: string): void {
  const frames = x.stack ? parseFrames(x.stack) : [];
  if (frames.length) x.stack = frames.map((f) => `at ${f.fn} (${f.file}:${f.line}:${f.col})`).join('\n');
  x.fingerprint ??= errorFingerprint(head, frames);
}

/**
 * An event (already validated and masked), in place: a mini-program `js_error`, or the `error` of
 * a failed cloud function or database request (Node SDK), gets a canonical stack and a fingerprint.
 */
export function groupError(e: { type: string; message?: string; stack?: string; fingerprint?: string; error?: ErrorFields }): void {
  if (e.type === 'js_error') group(e, e.message ?? '');
  else if (e.error && typeof e.error === 'object') group(e.error, `${e.error.type ?? ''}: ${e.error.message ?? ''}`);
}
