import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  type AgentSource,
  agentsFileSource,
  combineSources,
  globSource,
  layoutSource,
} from "@agentwatch/monitor";
import type { MonitoringConfig } from "@agentwatch/config";
import { oneLine } from "@agentwatch/term-ui";
import { CliError } from "./errors.js";

/** Where agents come from, as flags say: `--logs` (repeatable), `--agents`, `--log-dir`. */
export interface SourceFlags {
  readonly logs?: readonly string[] | undefined;
  readonly agents?: string | undefined;
  readonly logDir?: string | undefined;
}

/** The agent source the flags describe; the original layout under `log_dir` when none is given. */
export function sourceFromFlags(flags: SourceFlags, config: MonitoringConfig): AgentSource {
  const sources: AgentSource[] = [];
  for (const pattern of flags.logs ?? []) sources.push(globSource(pattern));
  if (flags.agents !== undefined) sources.push(agentsFileSource(flags.agents));
  if (flags.logDir !== undefined || sources.length === 0) {
    sources.push(layoutSource(flags.logDir ?? config.log_dir));
  }
  return sources.length === 1 ? sources[0]! : combineSources(...sources);
}

/** Where agentwatch looks for agents, as a person reads it: for "found nothing in …". */
export function describeWhere(flags: SourceFlags, config: MonitoringConfig): string {
  const places: string[] = [];
  for (const pattern of flags.logs ?? []) places.push(`logs matching ${pattern}`);
  if (flags.agents !== undefined) places.push(`the agents listed in ${resolve(flags.agents)}`);
  if (flags.logDir !== undefined || places.length === 0) {
    const dir = resolve(flags.logDir ?? config.log_dir);
    places.push(join(dir, "instances", "*", "tmux_output.log"));
  }
  return oneLine(places.join(", "));
}

async function kindOf(path: string): Promise<"missing" | "file" | "directory" | "other"> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? "directory" : info.isFile() ? "file" : "other";
  } catch {
    return "missing";
  }
}

/**
 * Checks the places the flags name before anything runs: an `--agents` file that does not exist,
 * or a log directory (named with `--log-dir`, or the default one with `once`) that does not exist
 * or is not a directory, is a mistake to report at once (exit 1), not an empty table.
 *
 * @throws {CliError} naming the path and what to do.
 */
export async function checkSources(
  flags: SourceFlags,
  config: MonitoringConfig,
  options: { once: boolean },
): Promise<void> {
  if (flags.agents !== undefined) {
    const kind = await kindOf(flags.agents);
    if (kind !== "file") {
      throw new CliError(
        `cannot read the agents file ${resolve(flags.agents)}: ${kind === "missing" ? "it does not exist" : "it is not a file"}; check the --agents path`,
      );
    }
  }
  const named = flags.logDir !== undefined;
  const usesLayout = named || ((flags.logs ?? []).length === 0 && flags.agents === undefined);
  if (!usesLayout || (!named && !options.once)) return;
  const dir = resolve(flags.logDir ?? config.log_dir);
  const kind = await kindOf(dir);
  if (kind === "directory") return;
  if (kind === "missing" && named && !options.once) return; // it may appear: the view says so
  throw new CliError(
    `cannot watch ${dir}: ${kind === "missing" ? "it does not exist" : "it is not a directory"}; ` +
      `pass the orchestrator's log directory with --log-dir, or say where agents' logs are with --logs or --agents`,
  );
}
