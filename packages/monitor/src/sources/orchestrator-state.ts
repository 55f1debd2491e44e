import { readFile, stat } from "node:fs/promises";
import type { ActivityState } from "@agentwatch/models";
import { MAX_INSTANCE_ID_BYTES, assertValidInstanceId } from "@agentwatch/summary-store";

/** The states the original orchestrator records for an instance in `state/instances.json`. */
export const ORCHESTRATOR_STATES = [
  "initializing",
  "idle",
  "busy",
  "error",
  "terminated",
  "suspended",
] as const;

/** One of {@link ORCHESTRATOR_STATES}. */
export type OrchestratorState = (typeof ORCHESTRATOR_STATES)[number];

/**
 * The activity state shown for an agent with no terminal output, from its orchestrator's state:
 * `busy` → working, `idle` and `suspended` → idle, `error` → errored, `terminated` → exited,
 * anything else (`initializing`, an unknown state) → unknown.
 */
export function activityOfOrchestratorState(state: string): ActivityState {
  switch (state) {
    case "busy":
      return "working";
    case "idle":
    case "suspended":
      return "idle";
    case "error":
      return "errored";
    case "terminated":
      return "exited";
    default:
      return "unknown";
  }
}

/** What the orchestrator records about one instance (the fields agentwatch uses). */
export interface InstanceRecord {
  readonly name: string | null;
  readonly role: string | null;
  readonly initial_prompt: string | null;
  readonly parent_instance_id: string | null;
  readonly created_at: string | null;
  readonly state: string | null;
}

function nonEmpty(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/** The records of an instances.json text, or why it is unusable (never quoting the text). */
function parseInstances(
  text: string,
): { records: Map<string, InstanceRecord>; skipped: number } | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return "not valid JSON"; // never the parser's message: it quotes the file's content
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return "not a JSON object of instances by id";
  }
  const records = new Map<string, InstanceRecord>();
  let skipped = 0;
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    try {
      assertValidInstanceId(id);
    } catch {
      skipped++;
      continue;
    }
    const record =
      typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
    records.set(id, {
      name: nonEmpty(record, "name"),
      role: nonEmpty(record, "role"),
      initial_prompt: nonEmpty(record, "initial_prompt"),
      parent_instance_id: nonEmpty(record, "parent_instance_id"),
      created_at: nonEmpty(record, "created_at"),
      state: nonEmpty(record, "state"),
    });
  }
  return { records, skipped };
}

/**
 * Reads the orchestrator's `state/instances.json` again only when its size, modification time
 * or inode changed. A missing file is no records; an unreadable or malformed one keeps the
 * previous records and is warned about once per version of the file, quoting none of it.
 */
export class InstancesFile {
  readonly path: string;
  #version: string | undefined;
  #records = new Map<string, InstanceRecord>();

  constructor(path: string) {
    this.path = path;
  }

  /** The records now; `warn` is called once per new problem. */
  async read(warn: (message: string) => void): Promise<ReadonlyMap<string, InstanceRecord>> {
    let version: string;
    let text: string;
    try {
      const info = await stat(this.path);
      version = `${info.mtimeMs}:${info.size}:${info.ino}`;
      if (version === this.#version) return this.#records;
      text = await readFile(this.path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown";
      if (code === "ENOENT") {
        this.#version = "missing";
        this.#records = new Map();
        return this.#records;
      }
      const key = `error:${code}`;
      if (key !== this.#version) {
        this.#version = key;
        warn(
          `cannot read ${this.path} (${(error as Error).message}); keeping the ${this.#records.size} instances read before`,
        );
      }
      return this.#records;
    }
    this.#version = version;
    const parsed = parseInstances(text);
    if (typeof parsed === "string") {
      warn(
        `${this.path} is ${parsed}; keeping the ${this.#records.size} instances read before until it is fixed`,
      );
      return this.#records;
    }
    if (parsed.skipped > 0) {
      warn(
        `${this.path} lists ${parsed.skipped} instance${parsed.skipped === 1 ? "" : "s"} whose id cannot name a directory (empty, "." or "..", with "/", "\\" or NUL, or over ${MAX_INSTANCE_ID_BYTES} bytes); skipping ${parsed.skipped === 1 ? "it" : "them"}`,
      );
    }
    this.#records = parsed.records;
    return this.#records;
  }
}
