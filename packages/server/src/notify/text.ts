/** UTF-8 byte-size helpers: provider limits are in bytes, and Chinese text is 3 bytes a character. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character (or a surrogate pair). */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  if (utf8Bytes(s) <= maxBytes) return s;
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const n = utf8Bytes(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

/**
 * Fits a request body under a byte limit by shortening one text field. `build(text)` serialises the
 * whole body (JSON escaping included); the longest cut of the text that fits, with `suffix`
 * appended, is found by binary search over its byte length. Returns undefined when even an empty
 * text does not fit.
 */
export function fitBody(
  build: (text: string) => string,
  text: string,
  limitBytes: number,
  suffix: string,
): { body: string; truncated: boolean } | undefined {
  const whole = build(text);
  if (utf8Bytes(whole) < limitBytes) return { body: whole, truncated: false };
  let lo = 0;
  let hi = utf8Bytes(text);
  let best: string | undefined;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const body = build(truncateUtf8(text, mid) + suffix);
    if (utf8Bytes(body) < limitBytes) {
      best = body;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best === undefined ? undefined : { body: best, truncated: true };
}
