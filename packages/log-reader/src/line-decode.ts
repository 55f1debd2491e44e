const CR = 0x0d;

/** The marker appended to a line cut at `maxLineBytes`: `…[truncated 1234 bytes]`. */
export function truncationSuffix(skippedBytes: number): string {
  return `…[truncated ${skippedBytes} bytes]`;
}

/**
 * The largest cut point `<= end` (and `>= start`) that does not split a UTF-8 sequence:
 * a lead byte near `end` whose sequence would run past it moves the cut back before it.
 */
export function utf8CutPoint(buf: Uint8Array, start: number, end: number): number {
  const stop = Math.max(start, end - 4);
  for (let i = end - 1; i >= stop; i--) {
    const byte = buf[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead
    if (byte < 0xc0) return end; // ASCII: nothing is split
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return i + length > end ? i : end;
  }
  return end;
}

/**
 * Decodes one line as UTF-8 (invalid bytes become U+FFFD), without its `\n`.
 *
 * `buf[start, start + kept)` holds the first `kept` bytes of a line whose full length (before the
 * `\n`) is `fullLength` and whose last byte is `lastByte`. One trailing `\r` is removed. A line
 * longer than `maxLineBytes` is cut there, on a character boundary, and marked with
 * {@link truncationSuffix}. Requires `kept >= min(fullLength, maxLineBytes + 1)`.
 */
export function decodeLine(
  buf: Buffer,
  start: number,
  fullLength: number,
  lastByte: number,
  maxLineBytes: number,
): string {
  const content = fullLength > 0 && lastByte === CR ? fullLength - 1 : fullLength;
  if (content <= maxLineBytes) return buf.toString("utf8", start, start + content);
  const cut = utf8CutPoint(buf, start, start + maxLineBytes);
  return buf.toString("utf8", start, cut) + truncationSuffix(content - (cut - start));
}
