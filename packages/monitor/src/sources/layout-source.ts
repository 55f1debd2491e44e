import type { Dirent } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { type AgentInfo, type AgentSource, DEFAULT_LOG_TYPE } from "../agent-source.js";
import { SourceError } from "../errors.js";
import { mapLimit } from "../map-limit.js";
import { type InstanceRecord, InstancesFile } from "./orchestrator-state.js";
import { type SourcePathOptions, checkPathOptions, resolveSourcePath } from "./source-paths.js";

/** The metadata file of one agent in the original orchestrator's layout. */
export const METADATA_FILE = "metadata.json";

/** The orchestrator's record of its instances, relative to the log directory. */
export const INSTANCES_STATE_FILE = join("state", "instances.json");

/** The fields of a metadata.json; null where it has no usable value. */
interface MetadataFields {
  readonly instance_name: string | null;
  readonly role: string | null;
  readonly assigned_task: string | null;
  readonly parent_instance_id: string | null;
  readonly created_at: string | null;
}

interface CachedMetadata {
  readonly mtimeMs: number;
  readonly size: number;
  readonly fields: MetadataFields;
}

const NO_METADATA: MetadataFields = {
  instance_name: null,
  role: null,
  assigned_task: null,
  parent_instance_id: null,
  created_at: null,
};

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function nonEmpty(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/** The fields of a metadata.json text, or a reason why it is unusable. */
function parseMetadata(text: string): MetadataFields | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return "not valid JSON"; // never the parser's message: it quotes the file's content
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "not a JSON object";
  const record = raw as Record<string, unknown>;
  return {
    instance_name: nonEmpty(record, "instance_name"),
    role: nonEmpty(record, "role"),
    assigned_task: nonEmpty(record, "assigned_task"),
    parent_instance_id: nonEmpty(record, "parent_instance_id"),
    created_at: nonEmpty(record, "created_at"),
  };
}

/** An agent from its metadata.json and its orchestrator's record: metadata.json first, field by field. */
function agentOf(
  id: string,
  logFilePath: string,
  meta: MetadataFields,
  record: InstanceRecord | undefined,
): AgentInfo {
  const agent: AgentInfo = {
    instance_id: id,
    instance_name: meta.instance_name ?? record?.name ?? id,
    role: meta.role ?? record?.role ?? null,
    assigned_task: meta.assigned_task ?? record?.initial_prompt ?? null,
    parent_instance_id: meta.parent_instance_id ?? record?.parent_instance_id ?? null,
    created_at: meta.created_at ?? record?.created_at ?? null,
    log_file_path: logFilePath,
    log_type: DEFAULT_LOG_TYPE,
  };
  return record === undefined ? agent : { ...agent, orchestrator_state: record.state };
}

/**
 * The original orchestrator's layout. Every directory `<logDir>/instances/<id>/` is an agent
 * whose log is `tmux_output.log` and whose context is in `metadata.json` (`instance_name`,
 * `created_at`, and optionally `role`, `assigned_task`, `parent_instance_id`).
 *
 * When the orchestrator keeps `<logDir>/state/instances.json` (an object of instance records by
 * id), every instance it records is an agent too, with a directory or not, and its record fills
 * what metadata.json does not give: `name`, `role`, `initial_prompt` (the task), `parent_instance_id`,
 * `created_at` (metadata.json's own values come first, field by field), and gives
 * `orchestrator_state` (its `state`). The service then marks a `terminated` instance exited at
 * once and shows an instance without a `tmux_output.log` with its state and "no terminal output".
 *
 * Both files are read again only when their size or modification time changes. A missing or
 * malformed metadata.json names the agent by its record or id (a note or warning once per agent);
 * a malformed instances.json keeps the records read before (a warning once per version). No
 * message quotes a file's content. Nothing is ever written under `logDir`.
 *
 * A `logDir` starting with `~/` is resolved against `options.home`, a relative one against
 * `options.cwd` (the process's working directory when not given).
 *
 * @throws {InvalidOptionError} when `logDir` starts with `~` and no `home` was given, or `cwd` or
 *   `home` is not absolute.
 * @example
 * const service = await createMonitoringService(config, { source: layoutSource("/tmp/madrox_logs") });
 */
export function layoutSource(logDir: string, options: SourcePathOptions = {}): AgentSource {
  const { cwd, home } = checkPathOptions(options, "layoutSource");
  const root = resolveSourcePath(logDir, cwd, home, "layoutSource log directory");
  const instancesDir = join(root, "instances");
  const instancesFile = new InstancesFile(join(root, INSTANCES_STATE_FILE));
  const cache = new Map<string, CachedMetadata>();
  const warned = new Set<string>();
  const name = `layout:${root}`;

  return {
    name,
    async list(context) {
      let entries: Dirent[];
      try {
        entries = await readdir(instancesDir, { withFileTypes: true });
      } catch (error) {
        if (errnoCode(error) !== "ENOENT") {
          throw new SourceError(
            `cannot list agents in ${instancesDir}: ${(error as Error).message}; check --log-dir and its permissions`,
            name,
            { cause: error },
          );
        }
        entries = []; // no agent has started a terminal yet
      }
      const records = await instancesFile.read((message) =>
        context.logger.warn({ source: name, path: instancesFile.path }, message),
      );
      const dirs = new Set(
        entries
          .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
          .map((entry) => entry.name),
      );
      const ids = [...new Set([...dirs, ...records.keys()])].sort();
      const warnOnce = (id: string, message: string, level: "info" | "warn" = "warn"): void => {
        if (warned.has(id)) return;
        warned.add(id);
        context.logger[level]({ instanceId: id, source: name }, message);
      };
      const listed = await mapLimit(ids, 64, async (id): Promise<AgentInfo> => {
        const dir = join(instancesDir, id);
        const record = records.get(id);
        // an instance recorded without a directory has no metadata.json to look for
        const meta = dirs.has(id)
          ? await readFields(id, join(dir, METADATA_FILE), record !== undefined, warnOnce)
          : NO_METADATA;
        return agentOf(id, join(dir, `${DEFAULT_LOG_TYPE}.log`), meta, record);
      });
      for (const id of cache.keys()) if (!dirs.has(id)) cache.delete(id);
      return listed;
    },
  };

  async function readFields(
    id: string,
    path: string,
    recorded: boolean,
    warnOnce: (id: string, message: string, level?: "info" | "warn") => void,
  ): Promise<MetadataFields> {
    const cached = cache.get(id);
    const naming = recorded
      ? "taking its context from its orchestrator's record"
      : "naming the agent by its id";
    try {
      const info = await stat(path);
      if (cached !== undefined && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
        return cached.fields;
      }
      const parsed = parseMetadata(await readFile(path, "utf8"));
      if (typeof parsed === "string") {
        warnOnce(id, `agent ${id}: ${path} is ${parsed}; ${naming} until the file is fixed`);
        return cached?.fields ?? NO_METADATA;
      }
      cache.set(id, { mtimeMs: info.mtimeMs, size: info.size, fields: parsed });
      return parsed;
    } catch (error) {
      if (errnoCode(error) === "ENOENT") {
        // the orchestrator's record gives its context: nothing worth a note
        if (!recorded) warnOnce(id, `agent ${id}: no ${path}; ${naming}`, "info");
      } else {
        warnOnce(id, `agent ${id}: cannot read ${path} (${(error as Error).message}); ${naming}`);
      }
      return cached?.fields ?? NO_METADATA;
    }
  }
}
