// Text from outside agentwatch (agent names, paths, stored summaries, log content, error messages)
// made safe to print: no escape sequence or control character reaches the terminal.

// CSI (7-bit and 8-bit), OSC / DCS / APC / PM / SOS strings (ended by BEL or ST, or unterminated),
// and two-character escapes.
const SEQUENCES =
  // eslint-disable-next-line no-control-regex
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]P^_X]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -~]?/g;
// C0 and C1 controls but \n and \t, DEL, and the bidirectional overrides that reorder what follows.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` without escape sequences or control characters; line breaks are kept (`\r\n` and `\r`
 * become `\n`) and tabs become two spaces.
 */
export function safeText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(SEQUENCES, "")
    .replace(CONTROLS, "")
    .replace(/\t/g, "  ");
}

/** `text` as one line: {@link safeText}, with each run of line breaks (and the space around) as one space. */
export function oneLine(text: string): string {
  return safeText(text)
    .replace(/\s*\n\s*/g, " ")
    .trim();
}
