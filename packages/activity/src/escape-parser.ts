import { applyControlSequence, type CsiCommand } from "./control-sequence.js";
import type { TerminalScreen } from "./terminal-screen.js";

/**
 * Feeds one line to the screen, character by character: printable runs are written, `\r`, `\b`
 * and tabs move the cursor, escape sequences are parsed and applied (CSI), or skipped (OSC, DCS,
 * SOS, PM, APC strings, charset selects and other two-byte escapes); every other C0 or C1
 * control is dropped. One pass over the line: linear time whatever it contains.
 */
export function parseLine(screen: TerminalScreen, line: string): void {
  const length = line.length;
  let runStart = -1;
  let i = 0;
  while (i < length) {
    const c = line.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f && (c < 0x80 || c > 0x9f)) {
      if (runStart < 0) runStart = i;
      i++;
      continue;
    }
    if (runStart >= 0) {
      screen.write(line.slice(runStart, i));
      runStart = -1;
    }
    if (c === 0x1b) {
      i = escape(screen, line, i + 1);
      continue;
    }
    if (c === 0x9b) {
      i = csi(screen, line, i + 1);
      continue;
    }
    if (c === 0x9d || c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f) {
      i = skipString(line, i + 1, c === 0x9d);
      continue;
    }
    if (c === 0x0d) screen.carriageReturn();
    else if (c === 0x08) screen.backspace();
    else if (c === 0x09) screen.write("\t");
    // Every other C0 control, DEL and C1 control is dropped.
    i++;
  }
  if (runStart >= 0) screen.write(runStart === 0 ? line : line.slice(runStart));
}

/** Handles what follows an ESC at `i`; returns the index after the sequence. */
function escape(screen: TerminalScreen, line: string, i: number): number {
  if (i >= line.length) return i;
  const c = line.charCodeAt(i);
  if (c === 0x5b) return csi(screen, line, i + 1); // [
  if (c === 0x5d) return skipString(line, i + 1, true); // ] OSC
  if (c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return skipString(line, i + 1, false);
  if (c >= 0x20 && c <= 0x2f) {
    // Charset selects (ESC ( B), DEC tests (ESC # 8) and other intermediates, then one final.
    let j = i;
    while (j < line.length && line.charCodeAt(j) >= 0x20 && line.charCodeAt(j) <= 0x2f) j++;
    if (j < line.length && line.charCodeAt(j) >= 0x30 && line.charCodeAt(j) <= 0x7e) j++;
    return j;
  }
  if (c >= 0x30 && c <= 0x7e) {
    if (c === 0x37)
      screen.saveCursor(); // ESC 7
    else if (c === 0x38)
      screen.restoreCursor(); // ESC 8
    else if (c === 0x4d)
      screen.cursorUp(1); // ESC M, reverse index
    else if (c === 0x44)
      screen.cursorDown(1); // ESC D, index
    else if (c === 0x45) {
      screen.cursorDown(1); // ESC E, next line
      screen.carriageReturn();
    } else if (c === 0x63) screen.clearScreen(); // ESC c, reset
    return i + 1;
  }
  return i; // a lone ESC before a control or non-ASCII character: drop the ESC only
}

/** Parses a CSI sequence whose parameters start at `i`; returns the index after it. */
function csi(screen: TerminalScreen, line: string, i: number): number {
  const length = line.length;
  let j = i;
  let privateMarker = 0;
  if (j < length) {
    const c = line.charCodeAt(j);
    if (c >= 0x3c && c <= 0x3f) {
      privateMarker = c;
      j++;
    }
  }
  const params: number[] = [];
  let current = -1;
  while (j < length) {
    const c = line.charCodeAt(j);
    if (c >= 0x30 && c <= 0x39) {
      if (current < 0) current = 0;
      if (current < 100_000) current = current * 10 + (c - 0x30);
      j++;
    } else if (c === 0x3b || c === 0x3a) {
      if (params.length < 16) params.push(current);
      current = -1;
      j++;
    } else if (c >= 0x3c && c <= 0x3f) {
      j++;
    } else break;
  }
  if (params.length < 16) params.push(current);
  while (j < length && line.charCodeAt(j) >= 0x20 && line.charCodeAt(j) <= 0x2f) j++;
  if (j >= length) return j; // unterminated: dropped
  const final = line.charCodeAt(j);
  if (final < 0x40 || final > 0x7e) return j; // malformed: resume at the offending character
  const command: CsiCommand = { final: String.fromCharCode(final), privateMarker, params };
  applyControlSequence(screen, command);
  return j + 1;
}

/** Skips an OSC/DCS/SOS/PM/APC string to its terminator (ST, or BEL for OSC); unterminated: to the end. */
function skipString(line: string, i: number, bellEnds: boolean): number {
  for (let j = i; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (bellEnds && c === 0x07) return j + 1;
    if (c === 0x9c) return j + 1;
    if (c === 0x1b && line.charCodeAt(j + 1) === 0x5c) return j + 2;
  }
  return line.length;
}
