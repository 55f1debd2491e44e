import { stat } from "node:fs/promises";
import { DEFAULT_CONFIG } from "@agentwatch/config";
import type { CommandContext } from "./context.js";
import { ownDirs, stateHome } from "./state-paths.js";

export { ownDirs, stateHome };

function withDirs(
  context: CommandContext,
  dirs: { state_dir: string; summary_dir: string },
): CommandContext {
  const config = context.config;
  return {
    ...context,
    config: Object.freeze({
      ...config,
      // Only the directories nobody chose (flag, variable, config file) take the new default.
      state_dir: config.state_dir === DEFAULT_CONFIG.state_dir ? dirs.state_dir : config.state_dir,
      summary_dir:
        config.summary_dir === DEFAULT_CONFIG.summary_dir ? dirs.summary_dir : config.summary_dir,
    }),
  };
}

/**
 * For `watch` and `serve` with the tmux source, globs or an agents file: state and summaries
 * default to {@link stateHome}, not to the seed's `/tmp/madrox_logs`, which is the orchestrator's
 * and does not survive a reboot. The original layout keeps the seed's defaults.
 */
export function withOwnDirs(context: CommandContext): CommandContext {
  const home = stateHome(context.io.env);
  return home === undefined ? context : withDirs(context, ownDirs(home));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * For `status`, `tail` and `positions`: without flags they look where `watch` wrote, which is
 * {@link stateHome} when it has summaries or positions, else the seed's directories.
 */
export async function withFoundDirs(context: CommandContext): Promise<CommandContext> {
  const home = stateHome(context.io.env);
  if (home === undefined) return context;
  const dirs = ownDirs(home);
  const used = (await exists(dirs.summary_dir)) || (await exists(dirs.state_dir));
  return used ? withDirs(context, dirs) : context;
}
