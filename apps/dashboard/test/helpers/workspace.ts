import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type SimAgentSpec, logPathOf, simulatedBytes } from "@agentwatch/agent-sim";

/**
 * Writes a workspace in the original orchestrator's layout: for each agent its `metadata.json`
 * and the first `writes` writes of its simulated terminal output (seeded, so always the same).
 */
export async function writeWorkspace(
  workspace: string,
  agents: readonly SimAgentSpec[],
  writes: number,
): Promise<void> {
  await Promise.all(
    agents.map(async (spec, index) => {
      const dir = join(workspace, "instances", spec.instanceId);
      await mkdir(dir, { recursive: true });
      await writeFile(
        join(dir, "metadata.json"),
        JSON.stringify({
          instance_id: spec.instanceId,
          instance_name: spec.instanceName,
          role: spec.role,
          assigned_task: spec.assignedTask,
          created_at: new Date().toISOString(),
        }),
      );
      const bytes = simulatedBytes({ seed: 1000 + index + 1, scenario: spec.scenario }, writes);
      await writeFile(logPathOf(workspace, spec.instanceId), bytes);
    }),
  );
}

/** A Claude Code permission dialog, as it appears in a terminal log. */
export const PERMISSION_PROMPT = [
  "",
  "⏺ Bash(git push --force origin main)",
  "╭──────────────────────────────────────────────────────────────╮",
  "│ Bash command                                                 │",
  "│   git push --force origin main                               │",
  "│ Do you want to proceed?                                      │",
  "│ ❯ 1. Yes                                                     │",
  "│   2. No, and tell Claude what to do differently (esc)        │",
  "╰──────────────────────────────────────────────────────────────╯",
  "",
].join("\n");
