import type { AgentInfo, AgentSource } from "../agent-source.js";
import { listKeeping } from "./combine-sources.js";
import type { SessionSource } from "./session-sources.js";

const writtenAt = (agent: AgentInfo): number => agent.join?.written_at ?? 0;

/**
 * Agents of `panes` (the tmux source) joined with the session files of `sessions` (Claude Code
 * transcripts, Codex rollouts): one agent, one row. A pane whose process tree runs `claude` or
 * `codex` in a working directory takes the newest session of that program in that directory
 * (listed, or, while the pane lives, older than the sessions' idle limit) as a second stream of
 * the same agent; it keeps the pane's id and name. Sessions no pane took are agents of their own.
 * Sub-agent transcripts are never joined to a pane.
 *
 * A source that throws keeps its previous list (the error is reported) while the others go on.
 *
 * @example
 * const source = joinSessions(tmuxSource({ captureDir }), [claudeSessionsSource([claudeDir])]);
 */
export function joinSessions(panes: AgentSource, sessions: readonly SessionSource[]): AgentSource {
  const previous = new Map<AgentSource, AgentInfo[]>();
  return {
    name: [panes, ...sessions].map((source) => source.name).join("+"),
    async list(context) {
      const [paneAgents, ...lists] = await Promise.all([
        listKeeping(panes, context, previous),
        ...sessions.map((source) => listKeeping(source, context, previous)),
      ]);
      const taken = new Set<string>();
      const joined = (paneAgents ?? []).map((pane) => {
        const program = pane.join?.program;
        const cwd = pane.join?.cwd;
        if (typeof program !== "string" || typeof cwd !== "string") return pane;
        const index = sessions.findIndex((source) => source.program === program);
        if (index < 0) return pane;
        const candidates = (lists[index] ?? []).filter(
          (agent) =>
            agent.join?.cwd === cwd &&
            agent.parent_instance_id === null &&
            !taken.has(agent.log_file_path),
        );
        let session = candidates.sort((a, b) => writtenAt(b) - writtenAt(a))[0];
        if (session === undefined) {
          const older = sessions[index]!.latestFor(cwd);
          if (older !== undefined && !taken.has(older.log_file_path)) session = older;
        }
        if (session === undefined) return pane;
        taken.add(session.log_file_path);
        const stream = {
          path: session.log_file_path,
          log_type: session.log_type,
          format: session.format ?? "terminal",
        };
        return {
          ...pane,
          streams: [...(pane.streams ?? []), stream],
          join: { ...pane.join, session_id: session.join?.session_id ?? null },
        } satisfies AgentInfo;
      });
      const alone = lists.flat().filter((agent) => !taken.has(agent.log_file_path));
      return [...joined, ...alone];
    },
  };
}
