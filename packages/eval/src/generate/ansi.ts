// Escape sequences as the tools write them, for building realistic pane captures.
export const ESC = "\u001b";
export const CRLF = "\r\n";
export const sgr = (code: string, text: string, reset = "0") =>
  `${ESC}[${code}m${text}${ESC}[${reset}m`;
export const bold = (text: string) => sgr("1", text, "22");
export const dim = (text: string) => sgr("2", text, "22");
export const red = (text: string) => sgr("31", text, "39");
export const green = (text: string) => sgr("32", text, "39");
export const yellow = (text: string) => sgr("33", text, "39");
export const blue = (text: string) => sgr("34", text, "39");
export const cyan = (text: string) => sgr("36", text, "39");
export const grey = (text: string) => sgr("90", text, "39");
export const c256 = (n: number, text: string) => sgr(`38;5;${n}`, text, "39");
export const invert = (text: string) => sgr("7", text, "27");
/** Erase `height` lines above the cursor (ink's redraw of its live region). */
export const eraseUp = (height: number) =>
  height === 0 ? "" : `${ESC}[2K` + `${ESC}[1A${ESC}[2K`.repeat(height) + `${ESC}[G`;
export const syncStart = `${ESC}[?2026h`;
export const syncEnd = `${ESC}[?2026l`;
export const hideCursor = `${ESC}[?25l`;
export const showCursor = `${ESC}[?25h`;
export const title = (text: string) => `${ESC}]0;${text}\u0007`;

/** A box of `width` columns around `lines` (ink's round border). */
export function box(lines: readonly string[], width: number, color = (s: string) => s): string[] {
  const inner = width - 4;
  const csi = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");
  const visible = (s: string) => s.replace(csi, "").length;
  return [
    color(`╭${"─".repeat(width - 2)}╮`),
    ...lines.map(
      (line) =>
        `${color("│")} ${line}${" ".repeat(Math.max(0, inner - visible(line)))} ${color("│")}`,
    ),
    color(`╰${"─".repeat(width - 2)}╯`),
  ];
}

/** A bash prompt as a coloured PS1 draws it, with the window title it sets. */
export function bashPrompt(user: string, host: string, cwd: string, sigil = "$"): string {
  return `${ESC}]0;${user}@${host}: ${cwd}\u0007${ESC}[01;32m${user}@${host}${ESC}[00m:${ESC}[01;34m${cwd}${ESC}[00m${sigil} `;
}

/** The base of every session builder: the bytes written so far and the live region below them. */
export class Capture {
  protected chunks: string[] = [];
  protected liveHeight = 0;
  protected clockS = 0;

  /** Raw bytes, as they are. */
  raw(text: string): this {
    this.chunks.push(text);
    return this;
  }

  /** Lines that scroll (each ends with CRLF). */
  lines(...lines: string[]): this {
    for (const line of lines) this.chunks.push(line + CRLF);
    return this;
  }

  /** Replaces the live region (erasing the old one) with new permanent lines then `live`. */
  frame(permanent: readonly string[], live: readonly string[], sync = true): this {
    let out = sync ? syncStart : "";
    out += eraseUp(this.liveHeight);
    for (const line of permanent) out += line + CRLF;
    for (const line of live) out += line + CRLF;
    if (sync) out += syncEnd;
    this.chunks.push(out);
    this.liveHeight = live.length;
    return this;
  }

  /** Seconds of session time passed (for spinner timers). */
  advance(seconds: number): this {
    this.clockS += seconds;
    return this;
  }

  /** The capture's bytes. */
  bytes(): Buffer {
    return Buffer.from(this.chunks.join(""), "utf8");
  }
}

/** `1m 05s` style durations. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}
