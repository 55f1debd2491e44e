/** Longest error text kept (characters). */
export const MAX_ERROR_CHARS = 300;

const ERROR_START = new RegExp(
  "^(?:" +
    [
      // TypeError: ..., Error [ERR_X]: ..., java.lang.IllegalStateException: ..., Uncaught Error: ...
      String.raw`(?:Uncaught |Unhandled(?: ?Promise ?Rejection)?:? )?(?:[a-z][\w$]*\.){0,8}(?:[A-Z][\w$]*)?(?:Error|Exception)(?: \[[A-Z0-9_]+\])?:\s*\S`,
      String.raw`npm (?:ERR!|error)\s+\S`,
      String.raw`yarn error\b`,
      String.raw`ERR_PNPM_\w+`,
      String.raw`error(?:\[E\d+\])?:\s`,
      String.raw`fatal:\s`,
      String.raw`FATAL(?:\]|:|\s)`,
      String.raw`panic:\s`,
      String.raw`\[?ERROR\]?[:\s]`,
      String.raw`CRITICAL[:\s]`,
      String.raw`API Error\b`,
      String.raw`thread '[^']*' panicked\b`,
      String.raw`Segmentation fault\b`,
      String.raw`Aborted \(core dumped\)`,
      String.raw`zsh: command not found: `,
      // aider: an edit that did not apply
      String.raw`(?:##\s*)?SearchReplaceNoExactMatch:\s`,
    ].join("|") +
    ")",
);
const ERROR_ANYWHERE =
  /(?:\berror TS\d+:|:\d+:\d+: (?:fatal )?error: |: command not found$|: No such file or directory$|: Permission denied$|: \d+ (?:Killed|Segmentation fault|Aborted)\b)/;
/** pytest's `E   KeyError: 'x'` lines: the exception after the `E` marker. */
const PYTEST_E = /^E {2,}(?=\S)/;

/** Whether a trimmed line is an error line; returns its text (whitespace collapsed, capped) or null. */
export function matchError(body: string): string | null {
  let head = body.length > 1000 ? body.slice(0, 1000) : body;
  const pytest = PYTEST_E.exec(head);
  if (pytest) head = head.slice(pytest[0].length);
  if (head === "Killed") return head;
  if (!(ERROR_START.test(head) || ERROR_ANYWHERE.test(head))) return null;
  if (/^npm (?:ERR!|error)$/.test(head)) return null;
  return collapse(pytest ? body.slice(pytest[0].length) : body);
}

/** Collapses runs of whitespace and cuts the text to `MAX_ERROR_CHARS` characters. */
export function collapse(text: string): string {
  const short = text.length > MAX_ERROR_CHARS * 4 ? text.slice(0, MAX_ERROR_CHARS * 4) : text;
  const collapsed = short.replace(/\s+/g, " ").trim();
  return cutChars(collapsed, MAX_ERROR_CHARS);
}

/**
 * The key two error lines share when they are "the same error": digits, hex ids and quoted
 * temp paths vary between occurrences (`attempt 3/10`, ports, timestamps, log file names).
 */
export function errorKey(text: string): string {
  return text.replace(/0x[0-9a-f]+|[0-9a-f]{8,}|\d+/gi, "#");
}

const GENERIC_ERROR =
  /^(?:Error: Exit code \d+$|npm (?:ERR!|error) |error Command failed\b|ERR_PNPM_)/;

/**
 * Whether an error line only says that a command failed (`Error: Exit code 1`, `npm ERR! ...`),
 * so a more specific error seen as often is the better description of a loop.
 */
export function isGenericError(text: string): boolean {
  return GENERIC_ERROR.test(text);
}

/** Whether a line belongs to npm's error block (`npm ERR! ...` / `npm error ...`). */
export function isNpmErrorLine(text: string): boolean {
  return text.startsWith("npm ERR!") || text.startsWith("npm error");
}

/** The first `max` code points of `text`. */
export function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

const STACK_FRAME =
  /^(?:at (?:async |new )?\S.*(?::\d+(?::\d+)?\)?|\(native\)|\(<anonymous>\)|\(index \d+\))$|File ".*", line \d+|Traceback \(most recent call last\):$|goroutine \d+ \[|\.\.\. \d+ more$|Caused by: |Node\.js v\d+\.\d+\.\d+$)/;

/** Whether a trimmed line is a stack-trace line (a frame or a trace header), not an error itself. */
export function isStackFrame(body: string): boolean {
  const head = body.length > 1000 ? body.slice(0, 1000) : body;
  return STACK_FRAME.test(head);
}
