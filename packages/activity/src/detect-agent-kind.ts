import { KindTally } from "./agent-markers.js";
import type { AgentKind } from "./agent-kind.js";
import { cleanRow } from "./clean-line.js";
import { classifyLine } from "./classify-line.js";
import { checkLines, runPipeline } from "./pipeline.js";

/**
 * Tells which program wrote the output: `claude-code` (`⏺`/`●` tool lines, `⎿` results, `❯`
 * prompt, `· esc to interrupt` spinners), `codex` (`• Ran`, `• Working (… • esc to interrupt)`,
 * `›` prompt), `shell` (shell prompts and commands) or `unknown`. An agent's own markers win over
 * shell prompts (agents are started from a shell); between the two agents the one with more
 * markers wins.
 *
 * @throws {InvalidActivityInputError} if `lines` is not an array of strings.
 * @example
 * detectAgentKind(["⏺ Bash(npm test)", "  ⎿  Tests: 12 passed, 12 total"]); // "claude-code"
 */
export function detectAgentKind(lines: readonly string[]): AgentKind {
  checkLines(lines, "detectAgentKind");
  const { rows } = runPipeline(lines, {}, true);
  const tally = new KindTally();
  for (const row of rows) {
    const line = cleanRow(row.text, row.source, row.rowId);
    if (line.noise === null) tally.add(classifyLine(line));
  }
  return tally.result();
}
