import { readFile, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type AgentInfo, type AgentSource, DEFAULT_LOG_TYPE } from "../agent-source.js";
import { SourceError } from "../errors.js";
import { mapLimit } from "../map-limit.js";

/** The metadata file of one agent in the original orchestrator's layout. */
export const METADATA_FILE = "metadata.json";

interface CachedMetadata {
  readonly mtimeMs: number;
  readonly size: number;
  readonly fields: MetadataFields;
}

type MetadataFields = Pick<
  AgentInfo,
  "instance_name" | "role" | "assigned_task" | "parent_instance_id" | "created_at"
>;

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function optionalString(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === "string" ? value : null;
}

/** The fields of a metadata.json text, or a reason why it is unusable. */
function parseMetadata(id: string, text: string): MetadataFields | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return "not valid JSON"; // never the parser's message: it quotes the file's content
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "not a JSON object";
  const record = raw as Record<string, unknown>;
  const name = optionalString(record, "instance_name");
  return {
    instance_name: name !== null && name !== "" ? name : id,
    role: optionalString(record, "role"),
    assigned_task: optionalString(record, "assigned_task"),
    parent_instance_id: optionalString(record, "parent_instance_id"),
    created_at: optionalString(record, "created_at"),
  };
}

function fallbackFields(id: string): MetadataFields {
  return {
    instance_name: id,
    role: null,
    assigned_task: null,
    parent_instance_id: null,
    created_at: null,
  };
}

/**
 * The original orchestrator's layout: every directory `<logDir>/instances/<id>/` is an agent whose
 * log is `tmux_output.log` and whose context is in `metadata.json` (`instance_name`, `created_at`,
 * and optionally `role`, `assigned_task`, `parent_instance_id`). A missing or malformed metadata
 * file is not fatal: the agent is named by its id and a warning is logged once per agent.
 * metadata.json is read again only when its size or modification time changes.
 *
 * @example
 * const service = await createMonitoringService(config, { source: layoutSource("/tmp/madrox_logs") });
 */
export function layoutSource(logDir: string): AgentSource {
  const instancesDir = join(resolve(logDir), "instances");
  const cache = new Map<string, CachedMetadata>();
  const warned = new Set<string>();
  const name = `layout:${resolve(logDir)}`;

  return {
    name,
    async list(context) {
      let entries;
      try {
        entries = await readdir(instancesDir, { withFileTypes: true });
      } catch (error) {
        if (errnoCode(error) === "ENOENT") return []; // no agent has started yet
        throw new SourceError(
          `cannot list agents in ${instancesDir}: ${(error as Error).message}; check --log-dir and its permissions`,
          name,
          { cause: error },
        );
      }
      const ids = entries
        .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
        .map((entry) => entry.name)
        .sort();
      const warnOnce = (id: string, message: string, level: "info" | "warn" = "warn"): void => {
        if (warned.has(id)) return;
        warned.add(id);
        context.logger[level]({ instanceId: id, source: name }, message);
      };
      const listed = await mapLimit(ids, 64, async (id): Promise<AgentInfo> => {
        const dir = join(instancesDir, id);
        const metadataPath = join(dir, METADATA_FILE);
        const log_file_path = join(dir, `${DEFAULT_LOG_TYPE}.log`);
        const fields = await readFields(id, metadataPath, warnOnce);
        return { instance_id: id, ...fields, log_file_path, log_type: DEFAULT_LOG_TYPE };
      });
      const present = new Set(ids);
      for (const id of cache.keys()) if (!present.has(id)) cache.delete(id);
      return listed;
    },
  };

  async function readFields(
    id: string,
    path: string,
    warnOnce: (id: string, message: string, level?: "info" | "warn") => void,
  ): Promise<MetadataFields> {
    const cached = cache.get(id);
    try {
      const info = await stat(path);
      if (cached !== undefined && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
        return cached.fields;
      }
      const parsed = parseMetadata(id, await readFile(path, "utf8"));
      if (typeof parsed === "string") {
        warnOnce(
          id,
          `agent ${id}: ${path} is ${parsed}; naming the agent by its id until the file is fixed`,
        );
        return cached?.fields ?? fallbackFields(id);
      }
      cache.set(id, { mtimeMs: info.mtimeMs, size: info.size, fields: parsed });
      return parsed;
    } catch (error) {
      if (errnoCode(error) === "ENOENT") {
        warnOnce(id, `agent ${id}: no ${path}; naming the agent by its id`, "info");
      } else {
        warnOnce(
          id,
          `agent ${id}: cannot read ${path} (${(error as Error).message}); naming the agent by its id`,
        );
      }
      return cached?.fields ?? fallbackFields(id);
    }
  }
}
