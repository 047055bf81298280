import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, toDifyEvent } from './sse.js';

test('events split anywhere across chunks, pings, CRLF, trailing block', () => {
  const text = 'data: {"event":"workflow_started"}\n\nevent: ping\n\ndata: {"event":"text_chunk","data":{"text":"a\\nb"}}\r\n\r\ndata: {"event":"workflow_finished"}';
  for (let cut = 1; cut < text.length; cut += 7) {
    const p = new SseParser();
    const msgs = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut)), ...p.end()];
    assert.deepEqual(msgs.map((m) => toDifyEvent(m)?.event), ['workflow_started', 'ping', 'text_chunk', 'workflow_finished']);
  }
});
