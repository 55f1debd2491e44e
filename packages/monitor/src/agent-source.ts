import type { Logger } from "@agentwatch/models";

/** One agent as a source lists it: who it is, where its log is, and its context for summaries. */
export interface AgentInfo {
  /** The agent instance id (a directory name in the summary dir). */
  readonly instance_id: string;
  /** Its human-readable name (the id when unknown). */
  readonly instance_name: string;
  /** Its role, if known. */
  readonly role: string | null;
  /** The task it was given, if known. */
  readonly assigned_task: string | null;
  /** The agent that started it, if any. */
  readonly parent_instance_id: string | null;
  /** When it was created, ISO 8601, if known. */
  readonly created_at: string | null;
  /** The log file to read. */
  readonly log_file_path: string;
  /** Which of the agent's logs this is (the position key's second part), such as `tmux_output`. */
  readonly log_type: string;
  /**
   * What the orchestrator running the agent reports about it, when its source knows (the original
   * layout's `state/instances.json`): `initializing`, `idle`, `busy`, `error`, `terminated` or
   * `suspended` (other strings are passed on); absent or null when unknown. The service marks a
   * `terminated` agent exited in the cycle it is listed so, without reading its log; an agent with
   * any other state whose log does not exist is shown with that state and "no terminal output"
   * instead of being waited for.
   */
  readonly orchestrator_state?: string | null | undefined;
  /** How `log_file_path` is written; `terminal` when absent. */
  readonly format?: LogFormat | undefined;
  /**
   * More streams of this agent read with its log in every step, each with its own position (a
   * pane's Claude Code transcript): one agent, one row.
   */
  readonly streams?: readonly AgentStream[] | undefined;
  /** What ties it to hook calls and other sources, when known. */
  readonly join?: AgentJoinKeys | undefined;
}

/**
 * How a log is written: terminal text (what a pane shows, the default), a Claude Code transcript
 * (JSONL), or a Codex CLI rollout (JSONL).
 */
export type LogFormat = "terminal" | "claude_transcript" | "codex_rollout";

/** One more stream of an agent, read in the same step as its log: a pane's session transcript. */
export interface AgentStream {
  /** The file to read. */
  readonly path: string;
  /** Its position key's second part; unique among the agent's streams (`claude_transcript`). */
  readonly log_type: string;
  /** How it is written. */
  readonly format: LogFormat;
}

/** What ties an agent to hook calls and to its other sources. */
export interface AgentJoinKeys {
  /** The Claude Code or Codex session id, when known. */
  readonly session_id?: string | null | undefined;
  /** The working directory of the agent, when known. */
  readonly cwd?: string | null | undefined;
  /** Process ids of the agent (a pane's process tree), when known. */
  readonly pids?: readonly number[] | undefined;
  /** Which program it is (`claude`, `codex`), when known. */
  readonly program?: string | null | undefined;
  /** When its session file was last written (epoch ms), when known: the newest wins a join. */
  readonly written_at?: number | undefined;
}

/** What a source is given each time it lists its agents. */
export interface SourceContext {
  /** Where to log warnings (once per agent for repeated problems). */
  readonly logger: Logger;
  /** Reports a problem that did not stop listing; it becomes an `error` event. */
  readonly report: (error: Error) => void;
}

/**
 * Where the service learns which agents exist; listed again at the start of every cycle.
 *
 * A source that throws keeps its previous list for that cycle (the error becomes an `error` event).
 */
export interface AgentSource {
  /** A name for logs and errors, such as `layout:/tmp/madrox_logs`. */
  readonly name: string;
  /** The agents that exist now. */
  list(context: SourceContext): Promise<AgentInfo[]>;
}

/** The default log type of the original orchestrator's layout. */
export const DEFAULT_LOG_TYPE = "tmux_output";

/** An AgentInfo for `instanceId` with only a log path known: the name is the id, the rest null. */
export function bareAgent(
  instanceId: string,
  logFilePath: string,
  logType: string = DEFAULT_LOG_TYPE,
): AgentInfo {
  return {
    instance_id: instanceId,
    instance_name: instanceId,
    role: null,
    assigned_task: null,
    parent_instance_id: null,
    created_at: null,
    log_file_path: logFilePath,
    log_type: logType,
  };
}
