import type { TerminalScreen } from "./terminal-screen.js";

/** A parsed CSI sequence: its final byte, private marker (`?`, `>`, ...) and numeric parameters. */
export interface CsiCommand {
  readonly final: string;
  /** Char code of `<`, `=`, `>` or `?` when the sequence is private, else 0. */
  readonly privateMarker: number;
  /** Parameters; -1 where one was omitted. */
  readonly params: readonly number[];
}

/** Largest number of cells an insert or delete may shift (bigger ones are approximated). */
const MAX_SHIFT = 128;

function param(command: CsiCommand, index: number, fallback: number): number {
  const value = command.params[index];
  return value === undefined || value < 0 ? fallback : value;
}

/** Count parameters: omitted or 0 mean 1. */
function count(command: CsiCommand, index = 0): number {
  return Math.max(1, param(command, index, 1));
}

const QUESTION_MARK = 0x3f;
const ALTERNATE_SCREEN_MODES = new Set([47, 1047, 1049]);

/**
 * Applies the CSI sequences that change what a terminal shows: cursor moves, erases, inserts and
 * deletes, alternate-screen switches. Colours (SGR), modes, scroll regions and reports change
 * nothing visible in a text transcript and are ignored.
 */
export function applyControlSequence(screen: TerminalScreen, command: CsiCommand): void {
  if (command.privateMarker !== 0) {
    if (
      command.privateMarker === QUESTION_MARK &&
      (command.final === "h" || command.final === "l") &&
      command.params.some((p) => ALTERNATE_SCREEN_MODES.has(p))
    ) {
      screen.setAlternateScreen(command.final === "h");
    }
    return;
  }
  switch (command.final) {
    case "A": // CUU
      screen.cursorUp(count(command));
      return;
    case "B": // CUD
    case "e": // VPR
      screen.cursorDown(count(command));
      return;
    case "E": // CNL
      screen.cursorDown(count(command));
      screen.setColumn(0);
      return;
    case "F": // CPL
      screen.cursorUp(count(command));
      screen.setColumn(0);
      return;
    case "C": // CUF
    case "a": // HPR
      screen.setColumn(screen.column + count(command));
      return;
    case "D": // CUB
      screen.setColumn(screen.column - count(command));
      return;
    case "G": // CHA
    case "`": // HPA
      screen.setColumn(count(command) - 1);
      return;
    case "H": // CUP
    case "f": // HVP
      screen.setRow(count(command, 0));
      screen.setColumn(count(command, 1) - 1);
      return;
    case "d": // VPA
      screen.setRow(count(command));
      return;
    case "J": {
      const mode = param(command, 0, 0);
      if (mode === 0) screen.eraseBelow();
      else if (mode === 1) screen.eraseAbove();
      else screen.clearScreen();
      return;
    }
    case "K": {
      const mode = param(command, 0, 0);
      if (mode === 0) screen.edit(screen.column).eraseToEnd(screen.column);
      else if (mode === 1) screen.edit(0).eraseToStart(screen.column);
      else screen.edit(0).clear();
      return;
    }
    case "X": {
      // ECH: blank cells without moving the cursor; huge counts erase to the end of the row.
      const n = count(command);
      const row = screen.edit(screen.column);
      if (n > MAX_SHIFT) row.eraseToEnd(screen.column);
      else row.blank(screen.column, n);
      return;
    }
    case "P": {
      // DCH: delete cells, shifting the rest left (bounded; a long tail is cut instead).
      const row = screen.edit(screen.column);
      if (row.length - screen.column > MAX_SHIFT) row.eraseToEnd(screen.column);
      else row.deleteCells(screen.column, Math.min(count(command), MAX_SHIFT));
      return;
    }
    case "@": {
      // ICH: insert blank cells (bounded the same way).
      const row = screen.edit(screen.column);
      if (row.length - screen.column > MAX_SHIFT) row.eraseToEnd(screen.column);
      else row.insertCells(screen.column, Math.min(count(command), MAX_SHIFT));
      return;
    }
    case "s":
      screen.saveCursor();
      return;
    case "u":
      screen.restoreCursor();
      return;
    default:
      return;
  }
}
