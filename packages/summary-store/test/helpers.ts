import { afterEach, beforeEach } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentSummary } from "@agentwatch/models";

/** A valid summary of agent `instanceId`, number `n`, stamped `n` seconds after a fixed instant. */
export function makeSummary(
  instanceId: string,
  n: number,
  overrides: Partial<AgentSummary> = {},
): AgentSummary {
  return {
    instance_id: instanceId,
    instance_name: `agent ${instanceId}`,
    timestamp: new Date(Date.UTC(2026, 0, 15, 10, 0, 0) + n * 1000).toISOString(),
    current_activity: `step ${n}: running npm test`,
    on_track_status: "on_track",
    confidence_score: 0.75,
    assigned_task: "fix the JWT refresh bug",
    parent_instance_id: null,
    role: "backend",
    last_tool_used: "Bash",
    recent_tools: ["Read", "Edit", "Bash"],
    output_preview: `output ${n}`,
    idle_duration_seconds: 3,
    drift_reasons: [],
    alignment_keywords: ["jwt", "refresh"],
    recommended_action: null,
    ...overrides,
  };
}

/** A fresh temp directory; remove it with {@link removeTempDir}. */
export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "summary-store-"));
}

/** Removes a temp directory made by {@link makeTempDir}. */
export function removeTempDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * A fresh temp directory for each test of the file, with `summaries` as the summary dir below it,
 * removed after the test; `use` is told both before each test.
 */
export function useSummaryDir(use: (dirs: { root: string; summaryDir: string }) => void): void {
  let root: string | undefined;
  beforeEach(async () => {
    root = await makeTempDir();
    use({ root, summaryDir: join(root, "summaries") });
  });
  afterEach(async () => {
    if (root !== undefined) await removeTempDir(root);
  });
}

/** Every path under `dir`, relative, sorted (directories end in `/`). */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((entry) => {
      const rel = join(entry.parentPath, entry.name).slice(dir.length + 1);
      return entry.isDirectory() ? `${rel}/` : rel;
    })
    .sort();
}

/** A logger that records what it is given, by level. */
export function recordingLogger() {
  const calls: { level: string; fields: unknown; message: string | undefined }[] = [];
  const at =
    (level: string) =>
    (fields: unknown, message?: string): void => {
      calls.push({ level, fields, message });
    };
  return {
    calls,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}
