/**
 * Event ids: a time-ordered prefix (ms since epoch, base36, 9 characters), a 2-character sequence
 * within the millisecond, and 8 random base36 characters — sortable by capture order within one
 * client. The id is assigned once, at capture, and travels with the event through the queue,
 * storage and every retry, so the collector drops duplicates.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
let lastMs = -1;
let seq = 0;

function pad(s: string, n: number): string {
  while (s.length < n) s = '0' + s;
  return s;
}

export function newEventId(nowMs: number, random: () => number = Math.random): string {
  const ms = Math.max(0, Math.floor(nowMs));
  if (ms === lastMs) seq = (seq + 1) % 1296;
  else {
    lastMs = ms;
    seq = 0;
  }
  let rnd = '';
  for (let i = 0; i < 8; i++) rnd += ALPHABET.charAt(Math.floor(random() * 36) % 36);
  return pad(ms.toString(36), 9) + pad(seq.toString(36), 2) + rnd;
}

const ID_RE = /^[A-Za-z0-9_.:-]{8,64}$/;

export function isValidEventId(id: unknown): id is string {
  return typeof id === 'string' && ID_RE.test(id);
}
