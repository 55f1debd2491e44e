import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type AgentInfo, type AgentSource, DEFAULT_LOG_TYPE } from "../agent-source.js";
import { AgentsFileError } from "../errors.js";
import {
  type SourcePathOptions,
  checkPathOptions,
  expandHome,
  resolveSourcePath,
} from "./source-paths.js";

/** Options of `parseAgentsFile`. */
export interface ParseAgentsFileOptions {
  /** The home directory a `log_file_path` starting with `~/` is under; without it, such a path is an error. */
  readonly home?: string | undefined;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function nullableString(
  entry: Record<string, unknown>,
  key: string,
  where: string,
): string | null | Error {
  const value = entry[key];
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  return new Error(`${where}.${key}: expected a string or null (got ${describe(value)})`);
}

function requiredString(
  entry: Record<string, unknown>,
  key: string,
  where: string,
): string | Error {
  const value = entry[key];
  if (typeof value === "string" && value !== "") return value;
  return new Error(`${where}.${key}: expected a non-empty string (got ${describe(value)})`);
}

/**
 * The agents of an agents file's text: a `log_file_path` starting with `~/` is under
 * `options.home`, a relative one under `baseDir` (the agents file's directory).
 *
 * @throws {Error} naming the first bad entry or field.
 */
export function parseAgentsFile(
  text: string,
  baseDir: string,
  options: ParseAgentsFileOptions = {},
): AgentInfo[] {
  const seen = new Set<string>();
  const agents: AgentInfo[] = [];
  entriesOf(text).forEach((entry, index) => {
    const where = `agents[${index}]`;
    if (isPaneEntry(entry)) return; // a tmux pane's description: the tmux source reads it
    const fields = {
      instance_id: requiredString(entry, "instance_id", where),
      log_file_path: requiredString(entry, "log_file_path", where),
      instance_name: nullableString(entry, "instance_name", where),
      role: nullableString(entry, "role", where),
      assigned_task: nullableString(entry, "assigned_task", where),
      parent_instance_id: nullableString(entry, "parent_instance_id", where),
      created_at: nullableString(entry, "created_at", where),
      log_type: nullableString(entry, "log_type", where),
    };
    for (const value of Object.values(fields)) if (value instanceof Error) throw value;
    const f = fields as { [K in keyof typeof fields]: Exclude<(typeof fields)[K], Error> };
    if (seen.has(f.instance_id)) {
      throw new Error(`${where}.instance_id: ${describe(f.instance_id)} is listed twice`);
    }
    seen.add(f.instance_id);
    const logPath = expandHome(f.log_file_path, options.home);
    if (logPath instanceof Error) throw new Error(`${where}.log_file_path: ${logPath.message}`);
    agents.push({
      instance_id: f.instance_id,
      instance_name: f.instance_name ?? f.instance_id,
      role: f.role,
      assigned_task: f.assigned_task,
      parent_instance_id: f.parent_instance_id,
      created_at: f.created_at,
      log_file_path: resolve(baseDir, logPath),
      log_type: f.log_type ?? DEFAULT_LOG_TYPE,
    });
  });
  return agents;
}

/** The entries of an agents file's text, each an object. @throws {Error} naming what is wrong. */
function entriesOf(text: string): Record<string, unknown>[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("not valid JSON"); // never the parser's message: it quotes the file
  }
  const list: unknown =
    typeof raw === "object" && raw !== null && !Array.isArray(raw)
      ? (raw as Record<string, unknown>).agents
      : raw;
  if (!Array.isArray(list)) {
    throw new Error('expected a JSON array of agents or an object { "agents": [...] }');
  }
  return list.map((item: unknown, index) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new Error(`agents[${index}]: expected an object (got ${describe(item)})`);
    }
    return item as Record<string, unknown>;
  });
}

function isPaneEntry(entry: Record<string, unknown>): boolean {
  return entry.tmux_pane !== undefined && entry.log_file_path === undefined;
}

/** What an agents file says of a tmux pane (an entry with `tmux_pane` instead of a log). */
export interface PaneEntry {
  /** The pane: its id (`%12`), its target (`session:window.pane`) or its name (its title). */
  readonly tmux_pane: string;
  readonly instance_name: string | null;
  readonly role: string | null;
  readonly assigned_task: string | null;
  readonly parent_instance_id: string | null;
}

/**
 * The tmux panes an agents file describes: entries with `tmux_pane` (a pane id, target or name)
 * and no `log_file_path`, giving the pane's `instance_name`, `role`, `assigned_task` and
 * `parent_instance_id`. `parseAgentsFile` leaves them out.
 *
 * @throws {Error} naming the first bad entry or field.
 */
export function parseAgentsFilePanes(text: string): PaneEntry[] {
  const panes: PaneEntry[] = [];
  entriesOf(text).forEach((entry, index) => {
    if (!isPaneEntry(entry)) return;
    const where = `agents[${index}]`;
    const fields = {
      tmux_pane: requiredString(entry, "tmux_pane", where),
      instance_name: nullableString(entry, "instance_name", where),
      role: nullableString(entry, "role", where),
      assigned_task: nullableString(entry, "assigned_task", where),
      parent_instance_id: nullableString(entry, "parent_instance_id", where),
    };
    for (const value of Object.values(fields)) if (value instanceof Error) throw value;
    panes.push(fields as PaneEntry);
  });
  return panes;
}

/**
 * The agents listed in a JSON file: an array (or `{ "agents": [...] }`) of objects with
 * `instance_id` and `log_file_path`, and optionally `instance_name`, `role`, `assigned_task`,
 * `parent_instance_id`, `created_at`, `log_type` (default `tmux_output`). Entries with
 * `tmux_pane` instead of `log_file_path` describe tmux panes (see `parseAgentsFilePanes`) and
 * are not agents of this source. A `log_file_path`
 * starting with `~/` is under `options.home`; a relative one is relative to the agents file's own
 * directory. The file is read again whenever it changes. A missing or malformed file is reported
 * once per version (an `AgentsFileError` as an `error` event) and the previous list is kept, so a
 * half-written file never drops agents.
 *
 * The agents file's own `path` may start with `~/` (resolved against `options.home`) or be
 * relative (to `options.cwd`, the process's working directory when not given).
 *
 * @throws {InvalidOptionError} when `path` starts with `~` and no `home` was given, or `cwd` or
 *   `home` is not absolute.
 * @example
 * const source = agentsFileSource("~/agents.json", { cwd: process.cwd(), home: os.homedir() });
 */
export function agentsFileSource(path: string, options: SourcePathOptions = {}): AgentSource {
  const { cwd, home } = checkPathOptions(options, "agentsFileSource");
  const file = resolveSourcePath(path, cwd, home, "agentsFileSource agents file");
  const name = `agents-file:${file}`;
  let previous: AgentInfo[] = [];
  let version: string | undefined;

  return {
    name,
    async list(context) {
      let current: string;
      let text: string;
      try {
        const info = await stat(file);
        current = `${info.mtimeMs}:${info.size}:${info.ino}`;
        if (current === version) return previous;
        text = await readFile(file, "utf8");
      } catch (error) {
        const key = `error:${(error as NodeJS.ErrnoException).code ?? "unknown"}`;
        if (key !== version) {
          version = key;
          context.report(
            new AgentsFileError(
              `cannot read agents file ${file}: ${(error as Error).message}; keeping the previous list of ${previous.length} agents`,
              file,
              { cause: error },
            ),
          );
        }
        return previous;
      }
      version = current;
      try {
        previous = parseAgentsFile(text, dirname(file), { home });
      } catch (error) {
        context.report(
          new AgentsFileError(
            `invalid agents file ${file}: ${(error as Error).message}; keeping the previous list of ${previous.length} agents until the file is fixed`,
            file,
            { cause: error },
          ),
        );
      }
      return previous;
    },
  };
}
