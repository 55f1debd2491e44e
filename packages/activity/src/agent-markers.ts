import { AgentKind } from "./agent-kind.js";
import type { LineInfo } from "./classify-line.js";

const CLAUDE_TEXT =
  /tell Claude what to do|Welcome to Claude Code|Claude Code v\d|Claude (?:AI )?usage limit/;
const CODEX_TEXT =
  /OpenAI Codex|tell Codex what to do|codex resume|^• (?:Working \(|Explored$|Exploring$)|\d+% context left/;
const CLAUDE_SPINNER = /^[·✢✳✶✻✽*✷✸✹✺] /;
const AIDER_TEXT =
  /^(?:Aider v\d|Tokens: [\d.,]+k? sent\b|Applied edit to \S|Main model: |Weak model: |Repo-map: |Git repo: |Added \S+ to the chat|<<<<<<< SEARCH|>>>>>>> REPLACE|Use \/help <question>|(?:architect|ask|code|multi)>$)/;
/** First characters of the lines `AIDER_TEXT` knows: a cheap test before the pattern. */
const AIDER_FIRST = new Set([..."ATMWRG<>Uacm"]);
const GEMINI_TEXT =
  /Allow execution\?|Waiting for user confirmation|\(esc to cancel, \d|Type your message or @path|\bGEMINI\.md\b|^Using: \d+ GEMINI|\bgemini-\d(?:\.\d)?-(?:pro|flash)\b/;
const GEMINI_GLYPH = /^[✔✓?✕x⊷o-] {2}/;

/** Which program a classified line is evidence of, if any. */
export function kindMarker(info: LineInfo): AgentKind | null {
  const t = info.trimmed;
  const first = t[0];
  const kind = info.kind;
  if (kind === "tool_call") {
    if (first === "•") return AgentKind.CODEX;
    if (t.startsWith("Applied edit to ")) return AgentKind.AIDER;
    return GEMINI_GLYPH.test(t) ? AgentKind.GEMINI : AgentKind.CLAUDE_CODE;
  }
  if (kind === "tool_result") return first === "⎿" ? AgentKind.CLAUDE_CODE : AgentKind.CODEX;
  if (kind === "finished")
    return first === "─"
      ? AgentKind.CODEX
      : first === "T"
        ? AgentKind.AIDER
        : AgentKind.CLAUDE_CODE;
  if (kind === "shell_prompt" || kind === "shell_command") return AgentKind.SHELL;
  if (kind === "working") {
    if (first === "•") return AgentKind.CODEX;
    if (CLAUDE_SPINNER.test(t) || first === "⎿") return AgentKind.CLAUDE_CODE;
  } else if (kind === "hint") {
    if (first === "⏵" || first === "⏸") return AgentKind.CLAUDE_CODE;
  } else if (kind === "agent_prompt") {
    if (first === "›") return AgentKind.CODEX;
    if (first === "❯") return AgentKind.CLAUDE_CODE;
  }
  if (kind === "permission_request" && t.includes("Waiting for user confirmation"))
    return AgentKind.GEMINI;
  // Cheap literal checks first: these patterns run on every line.
  if ((AIDER_FIRST.has(first ?? "") && AIDER_TEXT.test(t)) || t.includes("(Y)es/(N)o"))
    return AgentKind.AIDER;
  // Gemini's spinner, dialog and prompt are classified already: only those kinds are searched.
  const gemini =
    kind === "working" || kind === "permission_question" || kind === "agent_prompt"
      ? t.includes("esc to cancel") ||
        t.includes("Allow execution") ||
        t.includes("Type your message")
      : t.includes("emini") || t.includes("GEMINI");
  if (gemini && GEMINI_TEXT.test(t)) return AgentKind.GEMINI;
  if (t.includes("Claude") && CLAUDE_TEXT.test(t)) return AgentKind.CLAUDE_CODE;
  if ((first === "•" || t.includes("odex") || t.includes("context left")) && CODEX_TEXT.test(t))
    return AgentKind.CODEX;
  return null;
}

/** Tallies markers and picks a kind: an agent's own markers beat a shell's; unknown without any. */
export class KindTally {
  private readonly agents = new Map<AgentKind, number>();
  private shell = 0;
  private lastAgent: AgentKind | null = null;

  add(info: LineInfo): void {
    const kind = kindMarker(info);
    if (kind === null) return;
    if (kind === AgentKind.SHELL) {
      this.shell++;
      return;
    }
    this.agents.set(kind, (this.agents.get(kind) ?? 0) + 1);
    this.lastAgent = kind;
  }

  result(): AgentKind {
    if (this.agents.size > 0) {
      let best: AgentKind | null = null;
      let most = 0;
      let tie = false;
      for (const [kind, count] of this.agents) {
        if (count > most) {
          best = kind;
          most = count;
          tie = false;
        } else if (count === most) tie = true;
      }
      return tie ? (this.lastAgent ?? AgentKind.UNKNOWN) : (best ?? AgentKind.UNKNOWN);
    }
    return this.shell > 0 ? AgentKind.SHELL : AgentKind.UNKNOWN;
  }
}
