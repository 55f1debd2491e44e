import fc from "fast-check";

/** Pieces of hostile UTF-8: invalid and truncated sequences, lone continuations, CESU, BOM, \r. */
export const hostilePiece = fc.oneof(
  fc.constantFrom(
    [0x80], // lone continuation byte
    [0xbf, 0x80],
    [0xc0, 0xaf], // overlong "/"
    [0xc1],
    [0xe0, 0x80, 0xaf], // overlong
    [0xe2, 0x82], // "€" without its last byte
    [0xf0, 0x9f, 0x9a], // "🚀" without its last byte
    [0xf0, 0x9f], // ... without its last two
    [0xed, 0xa0, 0x80], // CESU-8 high surrogate
    [0xed, 0xb0, 0x80], // CESU-8 low surrogate
    [0xef, 0xbb, 0xbf], // BOM
    [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
    [0xf5],
    [0xff],
    [0x0d], // \r
    [0x0d, 0x0d],
    [0x0a], // \n: empty lines, and \n right after a truncated sequence
    [0x0a, 0x0a],
    [0x0d, 0x0a],
    [0x0d, 0x0d, 0x0a],
  ),
  fc.constantFrom("a", "é", "€", "🚀", "\uFFFD", "xyz").map((text) => [...Buffer.from(text)]),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map((bytes) => [...bytes]),
);
/** Bytes made of hostile pieces, newlines among them (empty lines, \n right after broken characters). */
export const hostileBytes = fc
  .array(hostilePiece, { maxLength: 80 })
  .map((pieces) => Buffer.from(pieces.flat()));
