import type { CleanLine } from "./clean-line.js";
import { isStackFrame, matchError } from "./error-line.js";
import { parseToolCall, type ParsedToolCall } from "./tool-call.js";

/** What a (non-noise) line is, for deciding the state. */
export type LineKind =
  | "exit"
  | "rate_limit"
  | "agent_prompt"
  | "option_selected"
  | "option"
  | "question_hint"
  | "input_request"
  | "working"
  | "hint"
  | "finished"
  | "permission_question"
  | "permission_request"
  | "shell_prompt"
  | "shell_command"
  | "tool_call"
  | "tool_result"
  | "error"
  | "stack_frame"
  | "text";

/** A classified line. */
export interface LineInfo {
  readonly kind: LineKind;
  /** The line trimmed (at most the first 4096 characters of it). */
  readonly trimmed: string;
  /** `trimmed` without a tool-result prefix (`⎿`, `└`). */
  readonly body: string;
  /** Leading spaces before the text. */
  readonly indent: number;
  /** The tool call, for `tool_call` lines. */
  readonly tool: ParsedToolCall | null;
  /** The command typed at a shell prompt, for `shell_command` lines. */
  readonly command: string | null;
  /** The error text, for `error` lines and tool results that are errors. */
  readonly error: string | null;
}

const PROBE_CHARS = 4096;

const EXIT = [
  /^\[Process (?:exited|completed|terminated)\b[^\]]*\]$/i,
  /^\[(?:process )?exited\]$/i,
  /^Pane is dead\b/,
  /^Process (?:exited|finished) with (?:exit )?code -?\d+\.?$/i,
  /^To continue this session, run codex resume\b/,
  /^(?:exit|logout)$/,
  /^Connection to \S+ closed\.$/,
];
const RATE_LIMIT =
  /\b(?:5-hour|five-hour|weekly|daily|monthly|session|usage|Opus|Sonnet) limit reached\b|\bhit your usage limit\b|\brate[ _-]?limit(?:ed\b|_error\b| exceeded\b| reached\b)/i;
/** A cheap literal check before the rate-limit pattern, which is costlier. */
const LIMIT_WORD = /limit/i;
/** Rate limits and overload in other words: HTTP 429, `rate_limit_error`, `overloaded`, quotas. */
const RATE_LIMIT_OTHER =
  /\b429\b.{0,60}(?:Too Many Requests|rate|limit|quota|RESOURCE_EXHAUSTED)|(?:status|code|error|HTTP)\W{0,3}429\b|Too Many Requests|\brate_limit_error\b|\boverloaded_error\b|\b(?:API|Anthropic|server|model)(?: is)? (?:currently )?overloaded\b|^Overloaded\b|\b(?:529|API|Error|Exception|retry|retrying)\b.{0,80}\b[Oo]verloaded\b|\bRESOURCE_EXHAUSTED\b|\b[Qq]uota (?:exceeded|limit)|exceeded your current quota|\brate limited you\b|\bRateLimitError\b/;
/** Any of the rarer markers below: one scan of a line instead of one per marker. */
const RARE =
  /esc to cancel|Waiting for|repo map|\(Y\)es\/\(N\)o|429|Too Many|verload|RESOURCE_EX|uota|[Rr]ate[ _]?[Ll]imit|RATE_LIMIT/;
/** A test or spec about rate limits (`✓ returns 429 Too Many Requests`), not a limit hit. */
const TEST_TALK =
  /^[✓✔✗✘×√]|\b(?:test|tests|expect|expected|should|returns?|responds? with|assert)\b/i;
const RATE_WORD = /429|Too Many|verload|RESOURCE_EX|uota|[Rr]ate[ _]?[Ll]imit|RATE_LIMIT/;
const OPTION_SELECTED = /^[❯›●◉]\s*(?:\d{1,2}[.)]\s+\S|(?:Yes|No)\b)/;
const BOXED_OPTION_SELECTED = /^>\s*\d{1,2}[.)]\s+\S/;
const OPTION = /^(?:[○◯]\s*)?\d{1,2}[.)]\s+\S|^[○◯]\s*(?:Yes|No)\b/;
const QUESTION_HINT = /Enter to select|↑\/↓ to navigate|Tab\/Arrow keys to navigate/i;
const INPUT_REQUEST = [
  /\[(?:y\/n|yes\/no)\]\s*[?:]?$/i,
  /\((?:y\/n|yes\/no|y)\)\s*[?:]?$/i,
  /\(yes\/no(?:\/\[fingerprint\])?\)\?$/,
  /^(?:\[sudo\] )?(?:password|passphrase|username)(?: for .{1,120})?:$/i,
  /^Enter (?:passphrase|PIN|password)\b.*:$/i,
  /Press (?:any key|enter|return) to continue/i,
  // terraform's `Enter a value:`, `Please enter your name:`, `Select an option:`
  /^(?:[?◆]\s+)?(?:Please )?(?:enter|type|input|provide|choose|select|specify|pick) \S.{0,100}:$/i,
  /\bUse arrow[- ]keys\b|\bReturn to submit\b/i,
  /^(?:Continue|Proceed|Overwrite|Replace|Delete|Remove|Retry)\b.{0,80}\?\s*\[?\(?[yY]\/[nN]\)?\]?:?$/,
];
/**
 * A pending approval: Gemini CLI's `Waiting for user confirmation`, and every unanswered aider
 * confirmation (`Run shell command? (Y)es/(N)o [Yes]:`, `Add file to the chat?`, `Create new
 * file?`, `Fix lint errors in app.py?`): each asks leave for an action aider is about to take, so
 * each is an approval (`waiting_permission`), not a question that wants an answer of its own.
 */
const PERMISSION_REQUEST = /\? \(Y\)es\/\(N\)o\b.*\[(?:Yes|No)\]:$/;
const WORKING = /esc to interrupt|ctrl\+c to interrupt/i;
/** Gemini CLI's spinner (`(esc to cancel, 3s)`) and aider's (`░█ Waiting for LLM`). */
const OTHER_WORKING =
  /\(esc to cancel, \d+\s?[smh]?\)|^[░█▒▓▌▐ ]*(?:Waiting for (?:LLM|[\w.:/-]+ ?(?:response)?)|Updating repo map)\b/;
const SPINNER_STATUS = /^[·✢✳✶✻✽*✷✸✹✺]\s+\S[^…]{0,80}…/;
const FINISHED =
  /^(?:[·✢✳✶✻✽*✷✸✹✺]\s+\p{L}+ for \d+(?:\.\d+)?\s*(?:ms|s|m|h)\b|─+ Worked for \d|Tokens: [\d.,]+k? sent\b)/u;
const HINT = [
  /^\? for shortcuts\b/,
  /for shortcuts$/,
  /^⏵⏵ /,
  /^⏸ /,
  /\(shift\+tab to cycle\)/,
  /\bcontext left\b/i,
  /^Context left until auto-compact/i,
  /^Press enter to confirm\b/i,
  /^Esc to (?:cancel|go back|exit)\b/i,
  /^⏎ send\b/,
  /^ctrl\+c to exit\b/i,
  /^Tip:/,
  /^\/help for help\b/,
  /^(?:gpt|o\d|codex)[\w.-]* (?:minimal|low|medium|high|xhigh)\b/,
];
const PERMISSION_QUESTION =
  /^(?:Do you want to (?:proceed|make this edit|create|delete|overwrite|allow|run|fetch|use|apply)\b|Would you like to (?:run|make|proceed|allow|apply|grant|continue)\b|Allow (?:command|edits?|this command|Claude to|Codex to|execution|this tool|tool|MCP)\b|Apply this change\?|Do you trust the files in this folder)/i;
const SHELL_PROMPTS = [
  /^(?:\([\w.@-]+\) )?[\w.-]+@[\w.-]+:[^\s$#]*[$#] ?(.*)$/,
  /^(?:\([\w.@-]+\) )?[\w.-]+@[\w.-]+ [^\s$#%]+ ?[$#%] ?(.*)$/,
  /^\[[\w.-]+@[\w.-]+ [^\]]*\][$#] ?(.*)$/,
  /^[\w.-]+-\d[\d.]*[$#] ?(.*)$/,
  /^\$ ?(.*)$/,
  /^➜ +\S+(?: git:\([^)]*\))?(?: ✗)? ?(.*)$/,
  /^PS [A-Za-z]:\\[^>]*> ?(.*)$/,
];

/** aider's prompts in its other modes: `architect>`, `ask>`, `multi>`. */
const AIDER_PROMPT = /^(?:architect|ask|code|help|context|multi|diff)>$/;

function any(patterns: readonly RegExp[], text: string): boolean {
  for (const pattern of patterns) if (pattern.test(text)) return true;
  return false;
}

function make(
  kind: LineKind,
  trimmed: string,
  body: string,
  indent: number,
  extra: Partial<Pick<LineInfo, "tool" | "command" | "error">> = {},
): LineInfo {
  return {
    kind,
    trimmed,
    body,
    indent,
    tool: extra.tool ?? null,
    command: extra.command ?? null,
    error: extra.error ?? null,
  };
}

/** Removes a tool-result prefix (`⎿  `, `└ `) from a trimmed line. */
export function resultBody(trimmed: string): string | null {
  const first = trimmed[0];
  if (first !== "⎿" && first !== "└") return null;
  return trimmed.slice(1).trimStart();
}

/** Classifies a cleaned, non-noise line. Every pattern is anchored or literal: linear time. */
export function classifyLine(line: CleanLine): LineInfo {
  const text = line.text.length > PROBE_CHARS ? line.text.slice(0, PROBE_CHARS) : line.text;
  const trimmed = text.trim();
  const indent = text.length - text.trimStart().length;
  const atMargin = indent === 0;
  const first = trimmed[0];

  if (any(EXIT, trimmed)) return make("exit", trimmed, trimmed, indent);
  if ((first === "●" || first === "◉") && OPTION_SELECTED.test(trimmed))
    return make("option_selected", trimmed, trimmed, indent);
  if (first === "❯" || first === "›" || (first === ">" && line.boxed)) {
    if (OPTION_SELECTED.test(trimmed) || (line.boxed && BOXED_OPTION_SELECTED.test(trimmed)))
      return make("option_selected", trimmed, trimmed, indent);
    const second = trimmed[1];
    if ((atMargin || line.boxed) && (second === undefined || second === " " || second === "\u00a0"))
      return make("agent_prompt", trimmed, trimmed, indent);
  }
  if ((trimmed === ">" || AIDER_PROMPT.test(trimmed)) && atMargin)
    return make("agent_prompt", trimmed, trimmed, indent);

  const result = resultBody(trimmed);
  const body = result ?? trimmed;
  const rare = RARE.test(body);
  if (
    rare &&
    (body.includes("Waiting for user confirmation") ||
      (body.includes("(Y)es/(N)o") && PERMISSION_REQUEST.test(body)))
  )
    return make("permission_request", trimmed, body, indent);
  if (any(INPUT_REQUEST, body)) return make("input_request", trimmed, body, indent);
  if (
    (LIMIT_WORD.test(body) && RATE_LIMIT.test(body)) ||
    (rare && RATE_WORD.test(body) && RATE_LIMIT_OTHER.test(body) && !TEST_TALK.test(body))
  )
    return make("rate_limit", trimmed, body, indent);
  if (QUESTION_HINT.test(body)) return make("question_hint", trimmed, body, indent);
  if (
    WORKING.test(body) ||
    SPINNER_STATUS.test(body) ||
    body.startsWith("Running…") ||
    ((body.includes("esc to cancel") ||
      body.includes("Waiting for") ||
      body.includes("repo map")) &&
      OTHER_WORKING.test(body))
  )
    return make("working", trimmed, body, indent);
  if (any(HINT, body)) return make("hint", trimmed, body, indent);
  if (FINISHED.test(body)) return make("finished", trimmed, body, indent);
  if (PERMISSION_QUESTION.test(body)) return make("permission_question", trimmed, body, indent);
  if (atMargin && !line.boxed && result === null) {
    for (const prompt of SHELL_PROMPTS) {
      const match = prompt.exec(trimmed);
      if (match) {
        const command = match[1]!.trim();
        return command
          ? make("shell_command", trimmed, trimmed, indent, { command })
          : make("shell_prompt", trimmed, trimmed, indent);
      }
    }
  }
  const tool = result === null ? parseToolCall(trimmed) : null;
  if (tool) return make("tool_call", trimmed, trimmed, indent, { tool });
  if (result !== null) {
    const error = matchError(body);
    return make("tool_result", trimmed, body, indent, { error });
  }
  if (OPTION.test(trimmed)) return make("option", trimmed, body, indent);
  const error = matchError(body);
  if (error) return make("error", trimmed, body, indent, { error });
  if (isStackFrame(body)) return make("stack_frame", trimmed, body, indent);
  return make("text", trimmed, body, indent);
}
