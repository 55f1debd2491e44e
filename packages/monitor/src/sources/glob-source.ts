import { parse } from "node:path";
import { escapePath, glob } from "tinyglobby";
import { type AgentSource, bareAgent } from "../agent-source.js";
import { InstanceIdError, InvalidOptionError, SourceError } from "../errors.js";
import { LogIds } from "./log-ids.js";
import { type SourcePathOptions, checkPathOptions, startsWithHome } from "./source-paths.js";

/** Options of `globSource`: where relative patterns are matched from and what `~` stands for. */
export type GlobSourceOptions = SourcePathOptions;

/**
 * Every file matching a glob pattern (or several) is one agent's log. Its instance id is the
 * file's name without the extension (`~/agent-logs/backend.log` → `backend`), except for a file
 * named `tmux_output.log`, the original orchestrator's layout, which takes its directory's name
 * (`/var/log/agents/agent-7/tmux_output.log` → `agent-7`). The log type (the position key's second
 * part) is the file's name without the extension.
 *
 * When several files would get the same id, all are shown: the first in path order keeps it and
 * the others get `<id>-2`, `<id>-3`, … in path order, each reported once (an `InstanceIdError`
 * with code `INSTANCE_ID_CONFLICT`). A file keeps its id while it matches: one that appears later
 * is numbered even if it sorts first, and none is renamed when another disappears; after a
 * restart, colliding files are numbered in path order again. A file whose name cannot be an
 * instance id is skipped and reported once (`INVALID_INSTANCE_ID`).
 *
 * A pattern starting with `~/` is matched under `options.home`; a relative one from
 * `options.cwd` (the process's working directory when not given).
 *
 * @throws {InvalidOptionError} when a pattern starts with `~` and no `home` was given, or `cwd` or
 *   `home` is not absolute.
 * @example
 * const source = globSource("~/agent-logs/*.log", { cwd: process.cwd(), home: os.homedir() });
 */
export function globSource(
  pattern: string | readonly string[],
  options: GlobSourceOptions = {},
): AgentSource {
  const patterns = typeof pattern === "string" ? [pattern] : [...pattern];
  const { cwd, home } = checkPathOptions(options, "globSource");
  const matched = patterns.map((p) => {
    if (!startsWithHome(p)) return p;
    if (home === undefined) {
      throw new InvalidOptionError(
        `invalid globSource pattern ${JSON.stringify(p)}: it starts with ~ but no home directory was given; pass { home } (or write the path in full)`,
        "home",
      );
    }
    return `${escapePath(home)}${p.slice(1)}`;
  });
  const name = `glob:${patterns.join(",")}`;
  const logIds = new LogIds();
  const reported = new Set<string>();

  return {
    name,
    async list(context) {
      let paths: string[];
      try {
        paths = await glob(matched, { cwd, absolute: true, onlyFiles: true, dot: false });
      } catch (error) {
        throw new SourceError(
          `cannot match ${JSON.stringify(patterns.join(", "))} from ${cwd}: ${(error as Error).message}; check the --logs pattern`,
          name,
          { cause: error },
        );
      }
      paths = [...new Set(paths)].sort();
      const { ids, numbered, invalid } = logIds.assign(paths);
      for (const { path, reason } of invalid) {
        const key = `invalid\0${path}`;
        if (reported.has(key)) continue;
        reported.add(key);
        context.report(
          new InstanceIdError(
            `cannot watch ${path}: ${reason}; rename the file to watch it`,
            "INVALID_INSTANCE_ID",
            path,
            null,
          ),
        );
      }
      for (const log of numbered) {
        const key = `numbered\0${log.path}\0${log.id}`;
        if (reported.has(key)) continue;
        reported.add(key);
        context.report(
          new InstanceIdError(
            `${log.path} is shown as agent ${JSON.stringify(log.id)}: ${log.holder} is already ${JSON.stringify(log.natural)}; rename one of the files to choose their names`,
            "INSTANCE_ID_CONFLICT",
            log.path,
            log.id,
          ),
        );
      }
      return ids.map(({ path, id }) => bareAgent(id, path, parse(path).name));
    },
  };
}
