import { basename, dirname, parse, resolve } from "node:path";
import { glob } from "tinyglobby";
import { type AgentInfo, type AgentSource, bareAgent } from "../agent-source.js";
import { SourceError } from "../errors.js";

/** Options of `globSource`. */
export interface GlobSourceOptions {
  /** The directory a relative pattern is matched from; the process's working directory by default. */
  cwd?: string | undefined;
}

/**
 * Every file matching a glob pattern (or several) is an agent's log: the instance id is the name
 * of its parent directory and the log type its file name without the extension
 * (`logs/agent-7/tmux_output.log` → `agent-7`, `tmux_output`). When two files give the same
 * instance id, the first in path order wins and a warning is logged once.
 *
 * @example
 * const source = globSource("/var/log/agents/agent-?/tmux_output.log");
 */
export function globSource(
  pattern: string | readonly string[],
  options: GlobSourceOptions = {},
): AgentSource {
  const patterns = typeof pattern === "string" ? [pattern] : [...pattern];
  const cwd = resolve(options.cwd ?? ".");
  const name = `glob:${patterns.join(",")}`;
  const warned = new Set<string>();

  return {
    name,
    async list(context) {
      let paths: string[];
      try {
        paths = await glob(patterns, { cwd, absolute: true, onlyFiles: true, dot: false });
      } catch (error) {
        throw new SourceError(
          `cannot match ${JSON.stringify(patterns.join(", "))} from ${cwd}: ${(error as Error).message}; check the --logs pattern`,
          name,
          { cause: error },
        );
      }
      paths.sort();
      const agents = new Map<string, AgentInfo>();
      for (const path of paths) {
        const id = basename(dirname(path));
        const existing = agents.get(id);
        if (existing !== undefined) {
          const key = `${id}\0${path}`;
          if (!warned.has(key)) {
            warned.add(key);
            context.logger.warn(
              { instanceId: id, path, kept: existing.log_file_path, source: name },
              `agent ${id}: ignoring ${path}, another log already gives this instance id (${existing.log_file_path})`,
            );
          }
          continue;
        }
        agents.set(id, bareAgent(id, path, parse(path).name));
      }
      return [...agents.values()];
    },
  };
}
