/**
 * Incremental parser for the server-sent events Dify streams (`data: {json}` blocks separated by a
 * blank line, and `event: ping` keep-alives). Feed it decoded text as it arrives.
 */
export interface SseMessage {
  event?: string;
  data: string;
}

export class SseParser {
  private buffer = '';

  /** Returns the complete messages in `text` plus what was buffered before. */
  feed(text: string): SseMessage[] {
    this.buffer += text;
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r?\n\r?\n/.exec(this.buffer);
      if (!m) break;
      const block = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const msg = parseBlock(block);
      if (msg) out.push(msg);
    }
    if (this.buffer.length > 4_194_304) this.buffer = ''; // a runaway block: drop rather than grow
    return out;
  }

  /** Whatever is left when the stream ends without a final blank line. */
  end(): SseMessage[] {
    const rest = this.buffer;
    this.buffer = '';
    const msg = rest.trim() ? parseBlock(rest) : undefined;
    return msg ? [msg] : [];
  }
}

function parseBlock(block: string): SseMessage | undefined {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === undefined && data.length === 0) return undefined;
  return event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') };
}

/** A Dify stream event: the JSON of a `data:` line (or `{event: 'ping'}`). */
export interface DifyStreamEvent {
  event: string;
  [key: string]: unknown;
}

export function toDifyEvent(msg: SseMessage): DifyStreamEvent | undefined {
  if (msg.data === '') return msg.event ? { event: msg.event } : undefined;
  try {
    const v = JSON.parse(msg.data) as unknown;
    if (v && typeof v === 'object' && typeof (v as { event?: unknown }).event === 'string') return v as DifyStreamEvent;
    return msg.event ? { event: msg.event, data: v } : undefined;
  } catch {
    return msg.event ? { event: msg.event } : undefined;
  }
}
