import { isAbsolute, join } from "node:path";

// Imports nothing but node:path: `agentwatch hook` uses these and must load fast.

/**
 * agentwatch's own state directory, which survives a reboot: `$XDG_STATE_HOME/agentwatch`, else
 * `~/.local/state/agentwatch`; undefined with neither variable set.
 */
export function stateHome(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "agentwatch");
  const home = env.HOME;
  return home !== undefined && home !== ""
    ? join(home, ".local", "state", "agentwatch")
    : undefined;
}

/** The state and summary directories under {@link stateHome}. */
export function ownDirs(home: string): { state_dir: string; summary_dir: string } {
  return { state_dir: join(home, "state"), summary_dir: join(home, "summaries") };
}
