/**
 * Event ids: a time-ordered prefix (ms since epoch, base36, 9 characters), a 2-character sequence
 * within the millisecond, and 8 random base36 characters — sortable by capture order within one
 * client. The id is assigned once, at capture, and travels with the event through the queue,
 * storage and every retry, so the collector drops duplicates.
 */
let lastMs = -1;
let seq = 0;

const base36 = (n: number, width: number): string => ('00000000' + n.toString(36)).slice(-width);

export function newEventId(nowMs: number, random: () => number = Math.random): string {
  const ms = Math.max(0, Math.floor(nowMs));
  seq = ms === lastMs ? (seq + 1) % 1296 : 0;
  lastMs = ms;
  let rnd = '';
  for (let i = 0; i < 8; i++) rnd += (Math.floor(random() * 36) % 36).toString(36);
  return base36(ms, 9) + base36(seq, 2) + rnd;
}

const ID_RE = /^[A-Za-z0-9_.:-]{8,64}$/;

export function isValidEventId(id: unknown): id is string {
  return typeof id === 'string' && ID_RE.test(id);
}
