// Terminal text helpers: what a line of agent output looks like once drawn, and how wide it is.

// CSI, OSC (ended by BEL or ST) and two-character escapes; then other C0 controls but tab.
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** A line as a terminal would show it: escapes removed, the last `\r` redraw kept. */
export function visibleText(line: string): string {
  const plain = line.replace(ESCAPES, "");
  const redraws = plain.split("\r").filter((part) => part.trim() !== "");
  return (redraws.at(-1) ?? "").replace(CONTROLS, "").replace(/\t/g, "  ").trimEnd();
}

function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}

function charWidth(char: string): number {
  const codePoint = char.codePointAt(0)!;
  if (codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f)) return 0;
  if (codePoint >= 0x0300 && codePoint <= 0x036f) return 0;
  return isWide(codePoint) ? 2 : 1;
}

/** The number of terminal columns `text` takes (wide CJK and emoji count two). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** `text` cut to at most `columns` terminal columns, with `…` when cut. */
export function fitWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  let out = "";
  let width = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (width + w > columns - 1) break;
    out += char;
    width += w;
  }
  return `${out}…`;
}

/** `text` padded with spaces to exactly `columns` terminal columns (cut if longer). */
export function padWidth(text: string, columns: number): string {
  const fitted = fitWidth(text, columns);
  return fitted + " ".repeat(Math.max(0, columns - displayWidth(fitted)));
}

/** A byte count for people: `0 B`, `12.3 KiB`, `4.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
