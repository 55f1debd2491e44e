import {
  type AgentSource,
  agentsFileSource,
  combineSources,
  globSource,
  layoutSource,
} from "@agentwatch/monitor";
import type { MonitoringConfig } from "@agentwatch/config";

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
