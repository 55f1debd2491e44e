/** What kind of noise a cleaned line is, if any. */
export type Noise = "blank" | "frame" | "spinner" | null;

/** A screen row after cleaning: its text, where it came from, and whether it is noise. */
export interface CleanLine {
  /** The text, trailing spaces and box borders (`│ ... │`) removed. */
  readonly text: string;
  /** Index of the input line it came from in the current call (-1: an earlier call). */
  readonly source: number;
  /** Identity of the screen row it was read from. */
  readonly rowId: number;
  /** Whether a box border was removed (text inside a `│ ... │` frame). */
  readonly boxed: boolean;
  /** Blank, a pure frame/rule line, a lone spinner glyph, or null for text. */
  readonly noise: Noise;
}

/** Characters drawn as the left or right border of a box. */
export const VERTICAL_BORDERS: ReadonlySet<string> = new Set([..."│┃║╎╏┆┇┊┋▏▕▌▐"]);
const SPINNER_GLYPHS = new Set([..."✶✻✽✢✳✷✸✹✺·*|/\\-◐◓◑◒◴◵◶◷●○◉⏺•"]);
const ASCII_RULE = new Set([..."-=_~*+#."]);

function isBoxOrBlock(code: number): boolean {
  return code >= 0x2500 && code <= 0x259f;
}

/** Removes one leading and one trailing vertical box border (with the spaces next to them). */
function stripBorder(text: string): { text: string; boxed: boolean } {
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === 0x20) start++;
  if (start >= text.length || !VERTICAL_BORDERS.has(text[start]!)) return { text, boxed: false };
  let inner = text.slice(start + 1);
  if (inner.startsWith(" ")) inner = inner.slice(1);
  inner = inner.trimEnd();
  const last = inner[inner.length - 1];
  if (last !== undefined && VERTICAL_BORDERS.has(last)) inner = inner.slice(0, -1).trimEnd();
  return { text: inner, boxed: true };
}

/** Removes up to three nested box borders (`│ │ text │ │`). */
function stripBorders(text: string): { text: string; boxed: boolean } {
  let current = stripBorder(text);
  if (!current.boxed) return current;
  for (let depth = 1; depth < 3; depth++) {
    const inner = stripBorder(current.text);
    if (!inner.boxed) break;
    current = inner;
  }
  return current;
}

/** Whether `text` (non-blank) is only box-drawing, block characters and spaces, or an ASCII rule. */
export function isFrameText(text: string): boolean {
  let boxChars = 0;
  let ruleChars = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09) continue;
    if (isBoxOrBlock(code)) boxChars++;
    else if (ASCII_RULE.has(text[i]!)) ruleChars++;
    else return false;
  }
  return boxChars > 0 ? true : ruleChars >= 3;
}

/** Whether `text` (trimmed, non-empty) is a lone spinner frame: up to 3 spinner glyphs. */
function isSpinnerFragment(text: string): boolean {
  if (text.length > 6) return false;
  let glyphs = 0;
  for (const ch of text) {
    if (ch === " ") continue;
    const code = ch.codePointAt(0)!;
    if ((code >= 0x2800 && code <= 0x28ff) || SPINNER_GLYPHS.has(ch)) glyphs++;
    else return false;
  }
  return glyphs > 0 && glyphs <= 3;
}

/** Cleans one screen row: trims it, removes box borders and says whether it is noise. */
export function cleanRow(raw: string, source: number, rowId: number): CleanLine {
  const trimmed = raw.trimEnd();
  const { text, boxed } = stripBorders(trimmed);
  const core = text.trim();
  let noise: Noise = null;
  if (core === "") noise = "blank";
  else if (isFrameText(core)) noise = "frame";
  else if (isSpinnerFragment(core)) noise = "spinner";
  return { text, source, rowId, boxed, noise };
}
