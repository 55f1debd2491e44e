import { oneLine } from "@agentwatch/term-ui";
import { paneName, paneTarget } from "@agentwatch/tmux";
import { type CommandContext, print } from "../context.js";
import { CliError } from "../errors.js";
import { type SourceFlags, buildSource } from "../sources.js";
import { withFoundDirs, withOwnDirs } from "../state-home.js";

/** The tmux source the flags describe, whatever other sources they name. */
async function tmuxOnly(base: CommandContext, flags: SourceFlags) {
  const context = withOwnDirs(await withFoundDirs(base));
  const { tmux } = buildSource(
    { ...flags, tmux: true, logs: [], agents: undefined, logDir: undefined },
    context,
  );
  return { context, tmux: tmux! };
}

/**
 * `agentwatch tmux panes [--json]`: every pane of the tmux server, and whether it is an agent:
 * which agent runs in it, or that it was named with --tmux-session, --tmux-pane or --tmux-all.
 */
export async function tmuxPanesCommand(
  base: CommandContext,
  flags: SourceFlags & { json: boolean },
): Promise<void> {
  const { context, tmux } = await tmuxOnly(base, flags);
  let panes;
  try {
    panes = await tmux.inspect();
  } catch (error) {
    throw new CliError(`cannot list the tmux panes: ${(error as Error).message}`, 1, {
      cause: error,
    });
  }
  if (flags.json) {
    print(
      context,
      JSON.stringify(
        panes.map(({ pane, key, agent }) => ({
          pane_id: pane.paneId,
          target: paneTarget(pane),
          name: paneName(pane),
          command: pane.currentCommand,
          instance_id: agent === null ? null : key,
          agent,
        })),
        null,
        2,
      ),
    );
    return;
  }
  if (panes.length === 0) {
    print(context, "no tmux server is running (or it has no panes)");
    return;
  }
  for (const { pane, key, agent } of panes) {
    const what =
      agent === null
        ? "not an agent"
        : agent === "selected"
          ? `watched as ${key} (named)`
          : `watched as ${key}: runs ${agent}`;
    print(
      context,
      oneLine(
        `${pane.paneId}  ${paneTarget(pane)}  ${paneName(pane)}  (${pane.currentCommand})  ${what}`,
      ),
    );
  }
}

/** `agentwatch tmux detach`: removes the pipes agentwatch attached to capture panes, and nothing else. */
export async function tmuxDetachCommand(base: CommandContext, flags: SourceFlags): Promise<void> {
  const { context, tmux } = await tmuxOnly(base, flags);
  let removed: number;
  try {
    removed = await tmux.detach();
  } catch (error) {
    throw new CliError(`cannot remove the tmux pipes: ${(error as Error).message}`, 1, {
      cause: error,
    });
  }
  print(
    context,
    `removed ${removed} pipe${removed === 1 ? "" : "s"} agentwatch had attached; their capture files are kept in ${context.config.state_dir}`,
  );
}
