import { AgentKind } from "./agent-kind.js";
import type { LineInfo } from "./classify-line.js";

const CLAUDE_TEXT =
  /tell Claude what to do|Welcome to Claude Code|Claude Code v\d|Claude (?:AI )?usage limit/;
const CODEX_TEXT =
  /OpenAI Codex|tell Codex what to do|codex resume|^• (?:Working \(|Explored$|Exploring$)|\d+% context left/;
const CLAUDE_SPINNER = /^[·✢✳✶✻✽*✷✸✹✺] /;

/** Which program a classified line is evidence of, if any. */
export function kindMarker(info: LineInfo): AgentKind | null {
  const t = info.trimmed;
  const first = t[0];
  const kind = info.kind;
  if (kind === "tool_call") return first === "•" ? AgentKind.CODEX : AgentKind.CLAUDE_CODE;
  if (kind === "tool_result") return first === "⎿" ? AgentKind.CLAUDE_CODE : AgentKind.CODEX;
  if (kind === "finished") return first === "─" ? AgentKind.CODEX : AgentKind.CLAUDE_CODE;
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
  // Cheap literal checks first: these patterns run on every line.
  if (t.includes("Claude") && CLAUDE_TEXT.test(t)) return AgentKind.CLAUDE_CODE;
  if ((first === "•" || t.includes("odex") || t.includes("context left")) && CODEX_TEXT.test(t))
    return AgentKind.CODEX;
  return null;
}

/** Tallies markers and picks a kind: an agent's own markers beat a shell's; unknown without any. */
export class KindTally {
  private claude = 0;
  private codex = 0;
  private shell = 0;
  private lastAgent: AgentKind | null = null;

  add(info: LineInfo): void {
    const kind = kindMarker(info);
    if (kind === AgentKind.CLAUDE_CODE) {
      this.claude++;
      this.lastAgent = kind;
    } else if (kind === AgentKind.CODEX) {
      this.codex++;
      this.lastAgent = kind;
    } else if (kind === AgentKind.SHELL) this.shell++;
  }

  result(): AgentKind {
    if (this.claude > 0 || this.codex > 0) {
      if (this.claude > this.codex) return AgentKind.CLAUDE_CODE;
      if (this.codex > this.claude) return AgentKind.CODEX;
      return this.lastAgent ?? AgentKind.UNKNOWN;
    }
    return this.shell > 0 ? AgentKind.SHELL : AgentKind.UNKNOWN;
  }
}
