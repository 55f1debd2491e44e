import type { AgentInfo, AgentSource, SourceContext } from "../agent-source.js";
import { MonitorError, SourceError } from "../errors.js";

/** `error` as a MonitorError naming the source, unless it already is one. */
export function sourceFailure(source: AgentSource, error: unknown): MonitorError {
  if (error instanceof MonitorError) return error;
  return new SourceError(
    `agent source ${source.name} failed to list its agents: ${
      error instanceof Error ? error.message : String(error)
    }; keeping its previous list`,
    source.name,
    { cause: error },
  );
}

/**
 * What `source` lists now; when it throws, the error is reported and the list it gave last (kept
 * in `previous`) stands.
 */
export async function listKeeping(
  source: AgentSource,
  context: SourceContext,
  previous: Map<AgentSource, AgentInfo[]>,
): Promise<AgentInfo[]> {
  try {
    const agents = await source.list(context);
    previous.set(source, agents);
    return agents;
  } catch (error) {
    context.report(sourceFailure(source, error));
    return previous.get(source) ?? [];
  }
}

/**
 * One source listing the agents of several, merged by `instance_id`: when two list the same id,
 * the first source's entry wins. A source that throws keeps its previous list (the error is
 * reported as an `error` event) while the others go on.
 *
 * @example
 * const source = combineSources(layoutSource(config.log_dir), agentsFileSource("agents.json"));
 */
export function combineSources(...sources: AgentSource[]): AgentSource {
  const previous = new Map<AgentSource, AgentInfo[]>();
  return {
    name: sources.map((source) => source.name).join("+") || "none",
    async list(context) {
      const lists = await Promise.all(
        sources.map((source) => listKeeping(source, context, previous)),
      );
      const merged = new Map<string, AgentInfo>();
      for (const list of lists) {
        for (const agent of list) {
          if (!merged.has(agent.instance_id)) merged.set(agent.instance_id, agent);
        }
      }
      return [...merged.values()];
    },
  };
}
