// Text from a summary is whatever a terminal log held: before the page shows it, escape sequences
// and control characters go (rendered as text they are noise, and some, such as bidirectional
// overrides, make text read differently from what it is).

/**
 * Escape sequences (ECMA-48), 7-bit or 8-bit, in the order tried:
 * - control strings (OSC `ESC ]`, DCS `ESC P`, SOS `ESC X`, PM `ESC ^`, APC `ESC _`) up to BEL or
 *   ST; one never ended runs to the end of its line (its payload, such as OSC 52's clipboard
 *   text, is not shown);
 * - CSI `ESC [` with its parameters and final byte (`ESC [2J`, `ESC [31m`), also when cut short;
 * - any other `ESC` with its intermediate and final bytes (`ESC ( B`, `ESC 7`).
 */
const ESCAPE_SEQUENCE = new RegExp(
  [
    "(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[^\\u0007\\u001b\\u009c\\n]*(?:\\u0007|\\u001b\\\\|\\u009c)?",
    "(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?",
    "\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]?",
  ].join("|"),
  "g",
);

/**
 * C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional marks, embeddings,
 * overrides and isolates (as `safeText` of `@agentwatch/term-ui` removes them for the terminal).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` as multi-line text for the page: escape sequences and control characters removed, line
 * breaks kept (`\r\n`, `\r`, U+2028 and U+2029 become `\n`), a tab two spaces.
 *
 * @example
 * cleanText("Bash command\r\n  rm -rf x\u001b[0m"); // "Bash command\n  rm -rf x"
 */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(ESCAPE_SEQUENCE, "")
    .replace(CONTROL, "")
    .replace(/\t/g, "  ");
}

/**
 * `text` as one line for the page: as {@link cleanText}, with each run of line breaks (and the
 * spaces around it) made one space, and no space at either end.
 *
 * @example
 * cleanLine("Copying \u001b]52;c;ZXZpbA==\u0007the token\u001b[2J now"); // "Copying the token now"
 */
export function cleanLine(text: string): string {
  return cleanText(text)
    .replace(/[ ]*\n[\n ]*/g, " ")
    .trim();
}
