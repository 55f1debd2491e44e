/**
 * Which program produced the output.
 *
 * A const object and a union type of the same name, like `ActivityState`.
 */
export const AgentKind = {
  /** Anthropic's Claude Code (`⏺ Bash(...)`, `⎿`, `❯` prompt). */
  CLAUDE_CODE: "claude-code",
  /** OpenAI's Codex CLI (`• Ran ...`, `• Working (3s • esc to interrupt)`, `›` prompt). */
  CODEX: "codex",
  /** A plain shell and the tools run in it (prompts, `npm ERR!`, test runners). */
  SHELL: "shell",
  /** Not enough evidence to tell. */
  UNKNOWN: "unknown",
} as const;

/** One of `claude-code`, `codex`, `shell`, `unknown`. */
export type AgentKind = (typeof AgentKind)[keyof typeof AgentKind];

/** The four kinds, in declaration order. */
export const AGENT_KINDS: readonly AgentKind[] = Object.freeze(Object.values(AgentKind));

/** Whether `value` is exactly one of the four kind strings. */
export function isAgentKind(value: unknown): value is AgentKind {
  return typeof value === "string" && (AGENT_KINDS as readonly string[]).includes(value);
}
