import { basename } from "node:path";
import {
  type Node,
  type ParseError,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import { CliError, ExitCode } from "./errors.js";

// agentwatch's entries in a Claude Code settings file, edited as text: jsonc-parser finds where
// things are, and every change is one splice of our own, so the user's entries and formatting are
// left exactly as they were and an uninstall undoes an install byte for byte. (jsonc-parser's own
// modify() reformats the neighbours of what it inserts.)

/** A hook agentwatch installs: the event and, for Notification, which notifications. */
export interface HookSpec {
  readonly event: string;
  readonly matcher?: string;
}

/**
 * The events agentwatch listens to. Notification's matcher is the notification type; the others
 * match every tool, source or reason without one (Stop and UserPromptSubmit take none).
 */
export const HOOK_SPECS: readonly HookSpec[] = [
  { event: "Notification", matcher: "permission_prompt|idle_prompt|elicitation_dialog" },
  { event: "PermissionRequest" },
  { event: "Stop" },
  { event: "SessionStart" },
  { event: "SessionEnd" },
  { event: "UserPromptSubmit" },
];

/** Seconds Claude Code gives the hook before it cancels it; it needs milliseconds. */
export const HOOK_TIMEOUT_SECONDS = 10;

/** The matcher group agentwatch adds for `spec`, running `command`. */
export function hookGroup(spec: HookSpec, command: string): Record<string, unknown> {
  return {
    ...(spec.matcher === undefined ? {} : { matcher: spec.matcher }),
    hooks: [{ type: "command", command, timeout: HOOK_TIMEOUT_SECONDS }],
  };
}

/** `command` split into words as a POSIX shell would, or undefined if it uses anything more. */
function shellWords(command: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === " " || c === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = "";
      for (i++; i < command.length && command[i] !== '"'; i++) {
        if (command[i] === "$" || command[i] === "`") return undefined;
        if (command[i] === "\\" && i + 1 < command.length) i++;
        text += command[i];
      }
      if (i >= command.length) return undefined;
      word = (word ?? "") + text;
    } else if (c === "\\" && i + 1 < command.length) {
      word = (word ?? "") + command[++i];
    } else if (/[;&|<>()$`\n*?[\]{}~#]/.test(c)) {
      return undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * Whether `command` is one agentwatch installed: `agentwatch hook` (or a path ending in
 * `/agentwatch`), or `node <script> hook` where the script's path names agentwatch or is this
 * repository's `apps/cli/dist/main.js`; optionally followed by `--state-dir DIR`, and nothing
 * else (no pipes, no other arguments).
 */
export function isAgentwatchHookCommand(command: string): boolean {
  const words = shellWords(command.trim());
  if (words === undefined || words.length === 0) return false;
  let next: number;
  if (basename(words[0]!) === "agentwatch") next = 1;
  else if (
    /^node(\.exe)?$/.test(basename(words[0]!)) &&
    words[1] !== undefined &&
    (/agentwatch/i.test(words[1]) || /(^|\/)apps\/cli\/dist\/main\.js$/.test(words[1]))
  ) {
    next = 2;
  } else return false;
  if (words[next] !== "hook") return false;
  const rest = words.slice(next + 1);
  return rest.length === 0 || (rest.length === 2 && rest[0] === "--state-dir");
}

/** Whether `group` (a matcher group of a settings file) is one agentwatch added. */
function isOurGroup(group: unknown): boolean {
  if (group === null || typeof group !== "object" || Array.isArray(group)) return false;
  const hooks = (group as { hooks?: unknown }).hooks;
  return (
    Array.isArray(hooks) &&
    hooks.length > 0 &&
    hooks.every(
      (hook: unknown) =>
        hook !== null &&
        typeof hook === "object" &&
        (hook as { type?: unknown }).type === "command" &&
        typeof (hook as { command?: unknown }).command === "string" &&
        isAgentwatchHookCommand((hook as { command: string }).command),
    )
  );
}

const PARSE_ERRORS: Readonly<Record<string, string>> = {
  InvalidSymbol: "an unexpected character",
  InvalidNumberFormat: "a malformed number",
  PropertyNameExpected: "a property name was expected (a trailing comma?)",
  ValueExpected: "a value was expected (a trailing comma?)",
  ColonExpected: "a colon was expected",
  CommaExpected: "a comma was expected",
  CloseBraceExpected: "a closing } was expected",
  CloseBracketExpected: "a closing ] was expected",
  EndOfFileExpected: "the file should end after its object",
  InvalidCommentToken: "a comment, which JSON does not allow",
  UnexpectedEndOfComment: "an unterminated comment",
  UnexpectedEndOfString: "an unterminated string",
  UnexpectedEndOfNumber: "an unterminated number",
  InvalidUnicode: "a malformed \\u escape",
  InvalidEscapeCharacter: "a malformed escape",
  InvalidCharacter: "a control character in a string",
};

/** 1-based line and column of `offset` in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/** A settings file parsed for editing: its root object, and how it is written. */
interface Parsed {
  readonly root: Node;
  /** The file's line break. */
  readonly eol: string;
  /** One level of indentation, as the file has it. */
  readonly unit: string;
  /** Everything on one line: insertions are written compact too. */
  readonly compact: boolean;
}

function typeName(node: Node): string {
  return node.type === "object"
    ? "an object"
    : node.type === "array"
      ? "an array"
      : `a ${node.type}`;
}

/**
 * Parses `text` (the contents of `path`) strictly as JSON.
 *
 * @throws {CliError} naming the file, the line and column and what to do, when it is not JSON
 *   or not an object whose `hooks` is an object of arrays.
 */
function parseSettings(text: string, path: string, verb: string): Parsed {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const offset = first?.offset ?? 0;
    const { line, column } = position(text, offset);
    const what =
      first === undefined ? "no JSON value" : PARSE_ERRORS[printParseErrorCode(first.error)];
    throw new CliError(
      `cannot ${verb} ${path}: it is not valid JSON (${what ?? "a syntax error"} at line ${line}, column ${column}); fix the file (or move it aside) and run the command again`,
      ExitCode.FAILURE,
    );
  }
  const refuse = (node: Node, where: string, expected: string) => {
    const { line, column } = position(text, node.offset);
    return new CliError(
      `cannot ${verb} ${path}: ${where} is ${typeName(node)} at line ${line}, column ${column}, where Claude Code expects ${expected}; fix the file and run the command again`,
      ExitCode.FAILURE,
    );
  };
  if (root.type !== "object") throw refuse(root, "the file", "an object of settings");
  const hooks = findNodeAtLocation(root, ["hooks"]);
  if (hooks !== undefined) {
    if (hooks.type !== "object") throw refuse(hooks, `"hooks"`, "an object of events");
    for (const property of hooks.children ?? []) {
      const value = property.children?.[1];
      if (value !== undefined && value.type !== "array") {
        throw refuse(value, `"hooks"."${String(property.children?.[0]?.value)}"`, "an array");
      }
    }
  }
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  // A file on one line stays on one line; an empty `{}` is laid out as Claude Code writes files.
  const compact =
    (root.children ?? []).length > 0 &&
    !text.slice(root.offset, root.offset + root.length).includes("\n");
  return { root, eol, unit: indentUnit(text, root), compact };
}

/** The whitespace before `offset` on its line, or undefined when something else precedes it. */
function leadingIndent(text: string, offset: number): string | undefined {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(start, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/** The indentation of the line `offset` is on. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** One level of indentation: that of the root's first property, else two spaces (or a tab). */
function indentUnit(text: string, root: Node): string {
  const first = root.children?.[0];
  if (first !== undefined) {
    const own = leadingIndent(text, first.offset);
    const base = lineIndent(text, root.offset);
    if (own !== undefined && own.length > base.length && own.startsWith(base)) {
      return own.slice(base.length);
    }
  }
  return /\n\t/.test(text) ? "\t" : "  ";
}

/** `value` as JSON laid out as the file is, its first line at `indent`. */
function serialize(value: unknown, indent: string, parsed: Parsed): string {
  if (parsed.compact) return JSON.stringify(value);
  return JSON.stringify(value, null, parsed.unit)
    .split("\n")
    .join(parsed.eol + indent);
}

function splice(text: string, start: number, end: number, insert = ""): string {
  return text.slice(0, start) + insert + text.slice(end);
}

const end = (node: Node) => node.offset + node.length;

/** `text` with `value` (under `key` in an object) added as the last child of `container`. */
function appendChild(
  text: string,
  parsed: Parsed,
  container: Node,
  value: unknown,
  key?: string,
): string {
  const item = (indent: string) =>
    (key === undefined ? "" : `${JSON.stringify(key)}:${parsed.compact ? "" : " "}`) +
    serialize(value, indent, parsed);
  const children = container.children ?? [];
  const last = children.at(-1);
  if (last !== undefined) {
    const indent = leadingIndent(text, last.offset);
    if (parsed.compact) return splice(text, end(last), end(last), `,${item("")}`);
    if (indent === undefined) {
      // An inline container ([ {…} ] on one line): stay on that line.
      const inline = (key === undefined ? "" : `${JSON.stringify(key)}: `) + JSON.stringify(value);
      return splice(text, end(last), end(last), `, ${inline}`);
    }
    return splice(text, end(last), end(last), `,${parsed.eol}${indent}${item(indent)}`);
  }
  const open = container.offset + 1;
  const close = end(container) - 1;
  if (parsed.compact) return splice(text, open, close, item(""));
  const outer = lineIndent(text, container.offset);
  const indent = outer + parsed.unit;
  return splice(text, open, close, `${parsed.eol}${indent}${item(indent)}${parsed.eol}${outer}`);
}

/** `text` without `child` of `container`: the exact inverse of {@link appendChild}. */
function removeChild(text: string, container: Node, child: Node): string {
  const children = container.children ?? [];
  const index = children.indexOf(child);
  const previous = children[index - 1];
  if (previous !== undefined) return splice(text, end(previous), end(child));
  const next = children[index + 1];
  if (next !== undefined) return splice(text, child.offset, next.offset);
  // The only child: back to an empty container.
  return splice(text, container.offset + 1, end(container) - 1);
}

/** What an install or uninstall did, event by event. */
export interface HooksChange {
  /** The new text (the same string when nothing changed). */
  readonly text: string;
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly removed: readonly string[];
}

function groupsOf(parsed: Parsed, event: string): { property?: Node; array?: Node } {
  const hooks = findNodeAtLocation(parsed.root, ["hooks"]);
  const property = hooks?.children?.find((p) => p.children?.[0]?.value === event);
  return { property, array: property?.children?.[1] };
}

/**
 * `text` (the contents of `path`, or undefined for no file) with agentwatch's hooks running
 * `command` added: one matcher group per event of {@link HOOK_SPECS}, after the user's own. An
 * entry of ours that runs another command (agentwatch moved, another --state-dir) is updated in
 * place; an event that already has ours is left as it is.
 *
 * @throws {CliError} when the file is not valid JSON or not shaped as settings.
 */
export function addAgentwatchHooks(
  text: string | undefined,
  path: string,
  command: string,
): HooksChange {
  const bom = text?.startsWith("\uFEFF") === true ? "\uFEFF" : "";
  let body = text === undefined || text.trim() === "" ? "{}\n" : text.slice(bom.length);
  const added: string[] = [];
  const updated: string[] = [];
  for (const spec of HOOK_SPECS) {
    const parsed = parseSettings(body, path, "edit");
    const group = hookGroup(spec, command);
    const hooks = findNodeAtLocation(parsed.root, ["hooks"]);
    if (hooks === undefined) {
      const all = Object.fromEntries(HOOK_SPECS.map((s) => [s.event, [hookGroup(s, command)]]));
      body = appendChild(body, parsed, parsed.root, all, "hooks");
      added.push(...HOOK_SPECS.map((s) => s.event));
      break;
    }
    const { array } = groupsOf(parsed, spec.event);
    if (array === undefined) {
      body = appendChild(body, parsed, hooks, [group], spec.event);
      added.push(spec.event);
      continue;
    }
    const ours = (array.children ?? []).filter((node) => isOurGroup(getNodeValue(node)));
    const mine = ours[0];
    if (mine === undefined) {
      body = appendChild(body, parsed, array, group);
      added.push(spec.event);
      continue;
    }
    let changed = false;
    if (JSON.stringify(getNodeValue(mine)) !== JSON.stringify(group)) {
      body = splice(
        body,
        mine.offset,
        end(mine),
        serialize(group, lineIndent(body, mine.offset), parsed),
      );
      changed = true;
    }
    // Copies from installs by another path: the first one is kept (and made right), these go.
    for (;;) {
      const again = groupsOf(parseSettings(body, path, "edit"), spec.event).array!;
      const copies = again.children!.filter((node) => isOurGroup(getNodeValue(node)));
      if (copies.length < 2) break;
      body = removeChild(body, again, copies.at(-1)!);
      changed = true;
    }
    if (changed) updated.push(spec.event);
  }
  const changed = added.length > 0 || updated.length > 0;
  return { text: changed ? bom + body : (text ?? ""), added, updated, removed: [] };
}

/**
 * `text` (the contents of `path`) without agentwatch's hooks: every matcher group of ours in any
 * event goes, and an event (or `hooks` itself) left empty by that goes too, so that uninstalling
 * what {@link addAgentwatchHooks} added gives back the original text, byte for byte.
 *
 * @throws {CliError} when the file is not valid JSON or not shaped as settings.
 */
export function removeAgentwatchHooks(text: string, path: string): HooksChange {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  let body = text.slice(bom.length);
  const removed: string[] = [];
  let parsed = parseSettings(body, path, "edit");
  const events = (findNodeAtLocation(parsed.root, ["hooks"])?.children ?? []).map(
    (p) => p.children?.[0]?.value as string,
  );
  for (const event of events) {
    parsed = parseSettings(body, path, "edit");
    const { property, array } = groupsOf(parsed, event);
    if (property === undefined || array === undefined) continue;
    const groups = array.children ?? [];
    const ours = groups.filter((node) => isOurGroup(getNodeValue(node)));
    if (ours.length === 0) continue;
    removed.push(event);
    if (ours.length === groups.length) {
      body = removeChild(body, findNodeAtLocation(parsed.root, ["hooks"])!, property);
      continue;
    }
    for (;;) {
      const { array: again } = groupsOf(parseSettings(body, path, "edit"), event);
      const last = again?.children?.filter((node) => isOurGroup(getNodeValue(node))).at(-1);
      if (again === undefined || last === undefined) break;
      body = removeChild(body, again, last);
    }
  }
  if (removed.length > 0) {
    parsed = parseSettings(body, path, "edit");
    const hooks = findNodeAtLocation(parsed.root, ["hooks"]);
    if (hooks !== undefined && (hooks.children ?? []).length === 0) {
      body = removeChild(body, parsed.root, hooks.parent!);
    }
  }
  return { text: removed.length > 0 ? bom + body : text, added: [], updated: [], removed };
}

/** Whether and how agentwatch's hook for one event is installed in a settings file. */
export interface InstalledHook {
  readonly event: string;
  /** The matcher agentwatch installs for it (undefined: none). */
  readonly matcher?: string;
  readonly installed: boolean;
  /** The commands of our entries for it (more than one only after installs from two places). */
  readonly commands: readonly string[];
  /** Our entry is there, but with another matcher than agentwatch installs now. */
  readonly otherMatcher?: string;
}

/**
 * agentwatch's hooks in `text` (the contents of `path`), one row per event of
 * {@link HOOK_SPECS}.
 *
 * @throws {CliError} when the file is not valid JSON or not shaped as settings.
 */
export function findAgentwatchHooks(text: string, path: string): InstalledHook[] {
  const bom = text.startsWith("\uFEFF") ? 1 : 0;
  const parsed = parseSettings(text.slice(bom), path, "read");
  return HOOK_SPECS.map((spec) => {
    const groups = (groupsOf(parsed, spec.event).array?.children ?? []).map(
      (node) => getNodeValue(node) as unknown,
    );
    const ours = groups.filter(isOurGroup) as { matcher?: unknown; hooks: { command: string }[] }[];
    const commands = ours.flatMap((group) => group.hooks.map((hook) => hook.command));
    const matching = ours.some((group) => group.matcher === spec.matcher);
    const other = ours.find((group) => group.matcher !== spec.matcher)?.matcher;
    return {
      event: spec.event,
      ...(spec.matcher === undefined ? {} : { matcher: spec.matcher }),
      installed: matching,
      commands: [...new Set(commands)],
      ...(!matching && ours.length > 0
        ? { otherMatcher: typeof other === "string" ? other : JSON.stringify(other ?? "") }
        : {}),
    };
  });
}

/** The `--state-dir` an agentwatch hook command passes, or undefined for the default. */
export function hookCommandStateDir(command: string): string | undefined {
  const words = shellWords(command.trim()) ?? [];
  const at = words.indexOf("--state-dir");
  return at >= 0 ? words[at + 1] : undefined;
}
