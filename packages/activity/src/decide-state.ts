import { ActivityState } from "./activity-state.js";
import { AgentKind } from "./agent-kind.js";
import type { LineKind } from "./classify-line.js";
import { questionToReader } from "./question.js";

/** A non-blank line of the most recent screen, classified. */
export interface TailLine {
  readonly kind: LineKind | "frame";
  /** The line, trimmed. */
  readonly text: string;
  readonly indent: number;
  /** The command, for `shell_command` lines. */
  readonly command: string | null;
}

/** The decided state and, when waiting, the question shown. */
export interface StateDecision {
  readonly state: ActivityState;
  readonly prompt: string | null;
}

/** Lines of the most recent screen considered (non-blank). */
export const TAIL_LINES = 60;
/** Lines a dialog may span, counted up from the screen's end. */
const DIALOG_LINES = 30;
/** Longest prompt text kept (characters). */
const MAX_PROMPT_CHARS = 500;

const CHROME = new Set<TailLine["kind"]>(["frame", "hint", "agent_prompt", "question_hint"]);
const STRONG = new Set<TailLine["kind"]>([
  "permission_request",
  "working",
  "finished",
  "rate_limit",
  "exit",
  "shell_prompt",
  "shell_command",
  "input_request",
]);
const DIALOG_KINDS = new Set<TailLine["kind"]>([
  "option",
  "option_selected",
  "text",
  "frame",
  "hint",
  "question_hint",
  "permission_question",
  "shell_command",
  "error",
]);
const AGENT_UI = new Set<TailLine["kind"]>([
  "agent_prompt",
  "tool_call",
  "tool_result",
  "working",
  "finished",
]);

/** The agents (as opposed to a shell or an unknown program). */
export function isAgent(kind: AgentKind): boolean {
  return kind !== AgentKind.SHELL && kind !== AgentKind.UNKNOWN;
}

/** Lines of the agent's last message read for its question. */
const MESSAGE_LINES = 8;

/**
 * What a tool writes after the agent's reply, before its prompt: aider's applied edits, commits,
 * hints and the files in the chat (`Applied edit to app.py`, `Commit 3f2a1b9 fix: …`, `You can
 * use /undo …`, `api/report.py tests/test_report.py`).
 */
const BOOKKEEPING =
  /^(?:Applied edit to \S+$|Commit [0-9a-f]{7,} |You can use \/undo\b|Added \S+ to the chat\b|Only \d+ reflections allowed\b|(?:Readonly|Editable): |(?:[\w@~-]*[/.][\w./@~-]*[\w]\s*)+$)/;
/**
 * The agent's last message before `end` (its prompt or its turn's end), when it ends asking the
 * reader to decide something (see `questionToReader`); null otherwise.
 */
function lastQuestion(tail: readonly TailLine[], end: number): string | null {
  let i = end - 1;
  while (
    i >= 0 &&
    (CHROME.has(tail[i]!.kind) || tail[i]!.kind === "finished" || BOOKKEEPING.test(tail[i]!.text))
  )
    i--;
  const message: string[] = [];
  for (; i >= 0 && message.length < MESSAGE_LINES; i--) {
    const line = tail[i]!;
    if (line.kind !== "text" && line.kind !== "option") break;
    message.unshift(line.text);
    if (/^[⏺●•]\s/.test(line.text)) break; // the message's first line
  }
  if (message.length === 0) return null;
  const text = message.join("\n");
  if (questionToReader(text) === null) return null;
  return text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[⏺●•]\s*/, "")
    .slice(-MAX_PROMPT_CHARS);
}

/** A frame line's role: a box's top (`╭──╮`) or a plain solid rule, a box's bottom, or neither. */
function edge(line: TailLine): "top" | "bottom" | null {
  if (line.kind !== "frame") return null;
  if (/[╰└╯┘]/.test(line.text)) return "bottom";
  if (/[╭┌]/.test(line.text)) return "top";
  return /^[─━═\s]+$/.test(line.text) ? "top" : null;
}

function promptText(lines: readonly TailLine[]): string | null {
  const text = lines
    .filter((l) => l.kind !== "frame" && l.kind !== "hint" && l.kind !== "question_hint")
    .map((l) => l.text)
    .join("\n");
  if (!text) return null;
  return text.length > MAX_PROMPT_CHARS ? text.slice(0, MAX_PROMPT_CHARS) : text;
}

/**
 * Where a dialog that ends the screen starts: the top edge above `from` (boxes nested inside the
 * dialog, such as a diff preview, are skipped), within the dialog kinds and 16 lines.
 */
function dialogTop(tail: readonly TailLine[], from: number, floor: number): number {
  let depth = 0;
  for (let i = from - 1; i >= Math.max(floor, from - 16); i--) {
    const line = tail[i]!;
    const role = edge(line);
    if (role === "bottom") depth++;
    else if (role === "top") {
      if (depth === 0) return i + 1;
      depth--;
    } else if (!DIALOG_KINDS.has(line.kind)) return i + 1;
  }
  return from;
}

/** A permission or question dialog at the end of the screen, if one is open. */
function findDialog(tail: readonly TailLine[]): StateDecision | null {
  const end = tail.length;
  let floor = end;
  let permission = -1;
  let selected = false;
  let questionHint = false;
  let options = 0;
  let firstOption = -1;
  let lastOption = -1;
  for (let i = end - 1; i >= Math.max(0, end - DIALOG_LINES); i--) {
    const kind = tail[i]!.kind;
    if (!DIALOG_KINDS.has(kind)) break;
    floor = i;
    if (kind === "permission_question" && permission < 0) permission = i;
    else if (kind === "option_selected" || kind === "option") {
      if (permission < 0) {
        options++;
        firstOption = i;
        if (lastOption < 0) lastOption = i;
        if (kind === "option_selected") selected = true;
      }
    } else if (kind === "question_hint") questionHint = true;
  }
  if (permission >= 0 && selected && options > 0) {
    const question = tail[permission]!;
    const top = /^Would you like/i.test(question.text)
      ? permission
      : dialogTop(tail, permission, floor);
    return {
      state: ActivityState.WAITING_PERMISSION,
      prompt: promptText(tail.slice(top, firstOption)),
    };
  }
  if (options >= 2 && (questionHint || selected)) {
    let last = lastOption;
    while (last + 1 < end && tail[last + 1]!.kind === "text") last++;
    const top = dialogTop(tail, firstOption, floor);
    return {
      state: ActivityState.WAITING_INPUT,
      prompt: promptText(tail.slice(top, last + 1)),
    };
  }
  return null;
}

/** Whether the error block ending at `last` starts at the left margin (a crash, not tool output). */
function errorAtMargin(tail: readonly TailLine[], last: number): boolean {
  for (let i = last; i >= 0; i--) {
    const line = tail[i]!;
    if (line.kind !== "error" && line.kind !== "stack_frame") return false;
    if (line.indent === 0) return true;
  }
  return false;
}

/** The text of a tool confirmation above a `Waiting for user confirmation` line (Gemini CLI). */
function permissionText(tail: readonly TailLine[], at: number): string {
  const lines: string[] = [];
  const aider = /\(Y\)es\/\(N\)o/.test(tail[at]!.text);
  // aider names the file in its question (`Add app.py to the chat?`); only a command sits above
  if (aider && !/^Run shell command/i.test(tail[at]!.text)) return tail[at]!.text;
  for (let i = at - 1; i >= Math.max(0, at - (aider ? 6 : 12)); i--) {
    const line = tail[i]!;
    if (line.kind === "frame" || line.kind === "hint" || line.text.startsWith("```")) continue;
    // aider shows the command in a fenced block right above its question
    if (aider && (line.kind !== "text" || /^(?:>>>>>>>|<<<<<<<|Tokens: )/.test(line.text))) break;
    lines.unshift(line.text);
    if (line.kind === "tool_call" || (aider && lines.length >= 3)) break;
  }
  const own = tail[at]!.text;
  if (!/Waiting for user confirmation/i.test(own)) lines.push(own); // the question itself (aider)
  const text = lines.join("\n") || own;
  return text.length > MAX_PROMPT_CHARS ? text.slice(0, MAX_PROMPT_CHARS) : text;
}

/** A selection question (`? Select a framework: › - Use arrow-keys`, `◆  Pick a template:`). */
const CHOICE_QUESTION = /\b(?:select|choose|pick)\b|arrow[- ]keys|Return to submit|›\s*$/i;
/** A choice in a selection list, the current one marked (`❯ React`, `● Vue`, `│  ○ Svelte`). */
const CHOICE_MARK = /^(?:│\s*)?[❯›>●◉○◯◻◼]\s+\S/;

/**
 * Whether everything below the question at `at` is its list of choices (short lines, one of them
 * marked as the current choice): an interactive select the shell's program waits on.
 */
function choicesBelow(tail: readonly TailLine[], at: number): boolean {
  if (!CHOICE_QUESTION.test(tail[at]!.text)) return false;
  const below = tail.slice(at + 1);
  if (below.length < 2 || below.length > 15) return false;
  const allowed = new Set<TailLine["kind"]>([
    "text",
    "option",
    "option_selected",
    "agent_prompt",
    "frame",
    "hint",
    "question_hint",
  ]);
  return (
    below.every((l) => allowed.has(l.kind) && l.text.length <= 80) &&
    below.some((l) => CHOICE_MARK.test(l.text))
  );
}

const CRASH =
  /^(?:Segmentation fault|Killed$|Aborted \(core dumped\)|panic: |fatal error: |Traceback \(most recent call last\)|thread '[^']*' panicked)|: \d+ (?:Killed|Segmentation fault|Aborted)\b|core dumped/;

/** Whether the output right above line `at` (a shell prompt) ends in a crash. */
function crashedAbove(tail: readonly TailLine[], at: number): boolean {
  let seen = 0;
  for (let i = at - 1; i >= 0 && seen < 4; i--) {
    const line = tail[i]!;
    if (CHROME.has(line.kind)) continue;
    if (line.kind === "shell_command" || line.kind === "shell_prompt") return false;
    seen++;
    if (line.kind === "stack_frame" || CRASH.test(line.text)) return true;
  }
  return false;
}

/**
 * What an agent prints only when it shuts down normally: Codex's `Token usage: total=…` and
 * `To continue this session, run codex resume …`, Claude Code's `claude --resume <id>` hint,
 * Gemini CLI's `Agent powering down. Goodbye!`. A crash ends without them.
 */
const CLEAN_EXIT =
  /^(?:To continue this session, run codex resume\b|Token usage: total=\d|Agent powering down\. Goodbye!?$)|\bclaude (?:--resume|-r) [\w-]{8,}/;

/**
 * How an exited agent ended: `quit` (asked to: `/quit`, `/exit`, `exit` typed, or its clean
 * shutdown summary shown) or `crash` (anything else).
 */
export function exitKind(tail: readonly TailLine[]): "quit" | "crash" {
  for (let i = tail.length - 1; i >= Math.max(0, tail.length - 30); i--) {
    const line = tail[i]!;
    if (CLEAN_EXIT.test(line.text)) return "quit";
    const code = /exited with (?:exit )?code (-?\d+)/i.exec(line.text);
    if (code) {
      if (code[1] !== "0") return "crash";
      continue;
    }
    if (line.kind === "error" || line.kind === "stack_frame") return "crash";
    if (/(?:^|\s)\/(?:quit|exit)$|^[›❯>]\s*(?:quit|exit)$/.test(line.text)) return "quit";
    if (line.kind === "shell_command" && /^(?:exit|logout)\b/.test(line.command ?? "")) {
      // a shell that was told to exit: clean unless something failed just before
      continue;
    }
  }
  for (let i = tail.length - 1; i >= Math.max(0, tail.length - 30); i--)
    if (tail[i]!.kind === "shell_command" && /^(?:exit|logout)$/.test(tail[i]!.command ?? ""))
      return "quit";
  return "crash";
}

/**
 * Decides the state from the most recent screen, by precedence:
 * 1. an open dialog at the end: a permission dialog → `waiting_permission`; a selection question
 *    (`Enter to select · ↑/↓ to navigate`) → `waiting_input`;
 * 2. the latest strong marker, unless output after it says otherwise: a shell exit → `exited`;
 *    a spinner with `esc to interrupt` → `working`; a usage limit → `rate_limited`; `[y/N]`,
 *    `Password:` as the last line → `waiting_input`; a finished turn (`✻ Churned for 51s`) →
 *    `idle`; a shell prompt → `idle` (or `exited` when an agent's screen is above it);
 * 3. an error or stack trace as the last output, with no prompt after it → `errored` (for Claude
 *    Code and Codex only when it starts at the margin: their tool output is indented);
 * 4. otherwise: output followed by an agent prompt → `idle`; output with none → `working`
 *    (`unknown` when the kind of program is unknown); nothing at all → `unknown`.
 *
 * Returns null for an empty tail (the caller keeps the previous state).
 */
export function decideState(tail: readonly TailLine[], kind: AgentKind): StateDecision | null {
  if (tail.length === 0) return null;
  const dialog = findDialog(tail);
  if (dialog) return dialog;

  let lastAgentPrompt = -1;
  for (let i = 0; i < tail.length; i++) if (tail[i]!.kind === "agent_prompt") lastAgentPrompt = i;
  let lastStrong = -1;
  let lastContent = -1;
  for (let i = 0; i < tail.length; i++) {
    const k = tail[i]!.kind;
    const shellBeforeAgent = (k === "shell_prompt" || k === "shell_command") && i < lastAgentPrompt;
    if (STRONG.has(k) && !shellBeforeAgent) lastStrong = i;
    if (!CHROME.has(k)) lastContent = i;
  }
  const promptAfter = (i: number) =>
    lastAgentPrompt > i || tail.slice(i + 1).some((l) => l.kind === "shell_prompt");
  const contentAfter = lastContent > lastStrong;
  const waiting = (state: ActivityState): StateDecision => ({ state, prompt: null });

  const strong = lastStrong >= 0 ? tail[lastStrong]! : null;
  if (strong?.kind === "exit" && !contentAfter) return waiting(ActivityState.EXITED);
  if (strong?.kind === "permission_request" && !contentAfter)
    return { state: ActivityState.WAITING_PERMISSION, prompt: permissionText(tail, lastStrong) };
  if (strong?.kind === "working") return waiting(ActivityState.WORKING);
  if (strong?.kind === "rate_limit") {
    // The limit notice may be followed by a line or two of its own (`/upgrade to ...`).
    const after = tail.slice(lastStrong + 1).filter((l) => !CHROME.has(l.kind));
    if (after.length <= 2 && after.every((l) => l.kind === "text"))
      return waiting(ActivityState.RATE_LIMITED);
  }
  if (strong?.kind === "input_request" && (!contentAfter || choicesBelow(tail, lastStrong)))
    return { state: ActivityState.WAITING_INPUT, prompt: strong.text };

  if (lastContent >= 0) {
    const last = tail[lastContent]!;
    const isError = last.kind === "error" || last.kind === "stack_frame";
    const agent =
      kind === AgentKind.CLAUDE_CODE || kind === AgentKind.CODEX || kind === AgentKind.GEMINI;
    if (isError && !promptAfter(lastContent) && (!agent || errorAtMargin(tail, lastContent)))
      return waiting(ActivityState.ERRORED);
  }

  const asked = (end: number): StateDecision | null => {
    if (!isAgent(kind)) return null;
    const question = lastQuestion(tail, end);
    return question === null ? null : { state: ActivityState.WAITING_INPUT, prompt: question };
  };
  if (strong && !contentAfter) {
    if (strong.kind === "finished") return asked(lastStrong) ?? waiting(ActivityState.IDLE);
    if (strong.kind === "shell_prompt") {
      // An agent's screen right above a shell prompt: the agent quit (or crashed) to its shell.
      if (isAgent(kind)) {
        for (let i = lastStrong - 1; i >= 0; i--) {
          const k = tail[i]!.kind;
          if (k === "shell_command" || k === "shell_prompt") break;
          if (AGENT_UI.has(k)) return waiting(ActivityState.EXITED);
        }
      }
      // A shell whose last command crashed (a stack trace, a kill, a panic right above the
      // prompt): for a shell-driven agent, that is the agent crashing back to its shell.
      if (crashedAbove(tail, lastStrong)) return waiting(ActivityState.EXITED);
      return waiting(ActivityState.IDLE);
    }
    if (strong.kind === "shell_command")
      return /^(?:exit|logout)\b/.test(strong.command ?? "")
        ? waiting(ActivityState.EXITED)
        : waiting(ActivityState.WORKING);
  }

  if (lastContent < 0)
    return waiting(lastAgentPrompt >= 0 ? ActivityState.IDLE : ActivityState.UNKNOWN);
  if (promptAfter(lastContent)) return asked(lastContent + 1) ?? waiting(ActivityState.IDLE);
  return waiting(kind === AgentKind.UNKNOWN ? ActivityState.UNKNOWN : ActivityState.WORKING);
}
