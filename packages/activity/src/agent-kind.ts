/**
 * Which program produced the output. (`aider` and `gemini` were added after the first release:
 * a `switch` over kinds needs a case for them.)
 *
 * A const object and a union type of the same name, like `ActivityState`.
 */
export const AgentKind = {
  /** Anthropic's Claude Code (`⏺ Bash(...)`, `⎿`, `❯` prompt). */
  CLAUDE_CODE: "claude-code",
  /** OpenAI's Codex CLI (`• Ran ...`, `• Working (3s • esc to interrupt)`, `›` prompt). */
  CODEX: "codex",
  /** aider (`aider v0.x`, `Tokens: … sent`, `> ` prompt, `(Y)es/(N)o [Yes]:` confirmations). */
  AIDER: "aider",
  /** Google's Gemini CLI (`✔  Shell …` tool boxes, `Allow execution?`, `(esc to cancel, 3s)`). */
  GEMINI: "gemini",
  /** A plain shell and the tools run in it (prompts, `npm ERR!`, test runners). */
  SHELL: "shell",
  /** Not enough evidence to tell. */
  UNKNOWN: "unknown",
} as const;

/** One of `claude-code`, `codex`, `aider`, `gemini`, `shell`, `unknown`. */
export type AgentKind = (typeof AgentKind)[keyof typeof AgentKind];

/** The kinds, in declaration order. */
export const AGENT_KINDS: readonly AgentKind[] = Object.freeze(Object.values(AgentKind));

/** Whether `value` is exactly one of the kind strings. */
export function isAgentKind(value: unknown): value is AgentKind {
  return typeof value === "string" && (AGENT_KINDS as readonly string[]).includes(value);
}
