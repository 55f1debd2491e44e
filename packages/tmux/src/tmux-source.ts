import type { Logger } from "@agentwatch/models";
import type { AgentInfo, AgentSource, SourceContext } from "@agentwatch/monitor";
import { CaptureManager } from "./captures.js";
import { paneKey } from "./captures.js";
import { TmuxError } from "./errors.js";
import { PANE_FORMAT, type TmuxPane, paneName, paneTarget, parsePanes } from "./panes.js";
import { type ProcessTable, readProcessTable } from "./process-table.js";
import { DEFAULT_AGENT_COMMANDS, agentOf } from "./recognize.js";
import { TmuxClient, type TmuxServerOptions } from "./tmux-client.js";

/** Which panes are agents. */
export interface PaneSelection {
  /** Panes whose process tree runs one of these commands; {@link DEFAULT_AGENT_COMMANDS} by default. */
  readonly agentCommands?: readonly string[] | undefined;
  /** Every pane of these sessions, whatever it runs. */
  readonly sessions?: readonly string[] | undefined;
  /** These panes (`%12`), whatever they run. */
  readonly panes?: readonly string[] | undefined;
  /** Every pane. */
  readonly all?: boolean | undefined;
}

/** Options of {@link tmuxSource}. */
export interface TmuxSourceOptions extends PaneSelection {
  /** The server: a socket name or path, the tmux program; this process's `$TMUX` server by default. */
  readonly server?: TmuxServerOptions | undefined;
  /** agentwatch's own directory for capture files (created private), such as `<state_dir>/tmux`. */
  readonly captureDir: string;
  /** Capture files past this size rotate; 64 MiB. */
  readonly captureMaxBytes?: number | undefined;
  /**
   * What is known of a pane from elsewhere (an agents file): its name, role, task and parent, which
   * win over what the pane itself says. Asked each listing, for the agent panes only.
   */
  readonly describe?: ((pane: TmuxPane) => Promise<PaneDescription | undefined>) | undefined;
  readonly logger?: Logger | undefined;
  readonly clock?: (() => number) | undefined;
}

/** What is known of a pane from elsewhere; a field left out or null is not known there. */
export interface PaneDescription {
  readonly instance_name?: string | null | undefined;
  readonly role?: string | null | undefined;
  readonly assigned_task?: string | null | undefined;
  readonly parent_instance_id?: string | null | undefined;
}

/** A tmux source: an `AgentSource`, plus what `agentwatch tmux detach` and a clean shutdown need. */
export interface TmuxSource extends AgentSource {
  /**
   * Removes pipes agentwatch attached (and nothing else); resolves to how many. With `onlyMine`
   * only those this source attached in this process (a clean shutdown); else every pipe into
   * agentwatch's capture files (`agentwatch tmux detach`).
   */
  detach(options?: { onlyMine?: boolean }): Promise<number>;
  /** Every pane of the server, each with whether it is an agent and why; attaches nothing. */
  inspect(): Promise<ListedPane[]>;
}

/** A pane as the last listing saw it. */
export interface ListedPane {
  readonly pane: TmuxPane;
  readonly key: string;
  /** The agent it runs (`claude`…), `selected` when chosen by session, id or `all`, or null. */
  readonly agent: string | null;
  /** The pane's processes (its shell and what runs under it), nearest first. */
  readonly pids: readonly number[];
}

/** Whether `pane` is an agent, and which: by what its process tree runs, or by being named. */
async function recognise(
  pane: TmuxPane,
  table: ProcessTable,
  selection: PaneSelection,
): Promise<string | null> {
  const commands = selection.agentCommands ?? DEFAULT_AGENT_COMMANDS;
  for (const pid of table.descendants(pane.pid)) {
    const agent = agentOf(await table.argv(pid), commands);
    if (agent !== undefined) return agent;
  }
  const named =
    selection.all === true ||
    (selection.sessions ?? []).includes(pane.session) ||
    (selection.panes ?? []).includes(pane.paneId);
  return named ? "selected" : null;
}

/**
 * Every pane of a tmux server that runs an agent, as an agent: no set-up. Listed again every
 * cycle (`list-panes -a`): a new pane is a new agent, a closed one leaves. A pane is an agent when
 * its process tree runs a known agent (`claude`, `codex`, `aider`, `gemini`, `opencode`, or the
 * `agentCommands` given), or when it is named (`sessions`, `panes`, `all`).
 *
 * Each agent pane is captured without loss into a file of its own under `captureDir` (see
 * {@link CaptureManager}), which the monitor reads like any log. Its instance id is stable for the
 * pane's life (`tmux-<server>-<pane number>`), its name is the pane's title or `session:window.pane`.
 * With no tmux server running, it lists no agents.
 *
 * @example
 * const source = tmuxSource({ captureDir: join(config.state_dir, "tmux"), logger });
 * const service = await createMonitoringService(config, { source, logger });
 */
export function tmuxSource(options: TmuxSourceOptions): TmuxSource {
  const client = new TmuxClient(options.server);
  const captures = new CaptureManager({
    dir: options.captureDir,
    client,
    maxBytes: options.captureMaxBytes,
    logger: options.logger,
    clock: options.clock,
  });
  let socketPath: string | undefined;
  const keyOf = (pane: TmuxPane) => paneKey(pane, socketPath ?? "");

  async function listPanes(): Promise<TmuxPane[] | null> {
    try {
      socketPath ??= (await client.run("display-message", "-p", "#{socket_path}")).trim();
      return parsePanes(await client.run("list-panes", "-a", "-F", PANE_FORMAT));
    } catch (error) {
      if (error instanceof TmuxError && error.code === "TMUX_UNAVAILABLE") return null;
      throw error;
    }
  }

  async function inspect(): Promise<ListedPane[]> {
    const panes = await listPanes();
    if (panes === null) return [];
    const table = await readProcessTable();
    return Promise.all(
      panes.map(async (pane): Promise<ListedPane> => ({
        pane,
        key: keyOf(pane),
        agent: pane.dead ? null : await recognise(pane, table, options),
        pids: pane.dead ? [] : table.descendants(pane.pid),
      })),
    );
  }

  return {
    name: `tmux${client.socketArgs.length > 0 ? `:${client.socketArgs.join(" ")}` : ""}`,
    inspect,
    async list(context: SourceContext): Promise<AgentInfo[]> {
      const listed = await inspect();
      const agents: AgentInfo[] = [];
      for (const { pane, key, agent, pids } of listed) {
        if (agent === null) continue;
        try {
          const capture = await captures.ensure(pane, key);
          const known = (await options.describe?.(pane)) ?? {};
          agents.push({
            instance_id: key,
            instance_name: known.instance_name ?? paneName(pane),
            role: known.role ?? (agent === "selected" ? null : agent),
            assigned_task: known.assigned_task ?? null,
            parent_instance_id: known.parent_instance_id ?? null,
            created_at: null,
            log_file_path: capture.file,
            log_type: "tmux_output",
            // what joins the pane to its agent's session file and hook calls
            join: { cwd: pane.currentPath, pids, program: agent === "selected" ? null : agent },
          });
        } catch (error) {
          context.report(
            new TmuxError(
              `cannot capture tmux pane ${pane.paneId} (${paneTarget(pane)}): ${(error as Error).message}`,
              "TMUX_COMMAND_FAILED",
              { cause: error },
            ),
          );
        }
      }
      await captures.sweep(new Set(listed.map((item) => item.key)));
      return agents;
    },
    async detach(detachOptions = {}) {
      const panes = await listPanes();
      return panes === null ? 0 : captures.detach(panes, keyOf, detachOptions);
    },
  };
}
