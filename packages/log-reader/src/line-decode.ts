const CR = 0x0d;
const CR_CODE = 13; // "\r".charCodeAt(0)

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

/**
 * The most bytes of complete lines decoded with one `toString` (then split on `\n`). Lines decoded
 * together share that string's memory (V8 substrings), so a kept line may retain up to this much.
 */
export const GROUP_BYTES = 16 * 1024;

/**
 * Decodes the complete lines of `buf[from, last]` (`buf[last]` is a `\n`) together: each without
 * its `\n` and one trailing `\r`. Nothing is cut: the caller makes sure that no line there is longer
 * than `maxLineBytes` (a group spans at most min(GROUP_BYTES, maxLineBytes + 1) bytes).
 *
 * This equals decoding each line alone ({@link decodeLine}): a `\n` (0x0A) is never part of a
 * UTF-8 sequence, and the decoder (WHATWG, maximal subparts) ends every invalid or incomplete
 * sequence at it. Likewise a decoded line ends with U+000D exactly when its last byte is `\r`.
 */
export function decodeGroup(buf: Buffer, from: number, last: number): string[] {
  const text = buf.toString("utf8", from, last);
  const texts = text.split("\n");
  if (text.includes("\r")) {
    for (let i = 0; i < texts.length; i++) {
      const line = texts[i]!;
      if (line.charCodeAt(line.length - 1) === CR_CODE) texts[i] = line.slice(0, -1);
    }
  }
  return texts;
}
