import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Summary } from "../../src/protocol.js";

/**
 * Writes `summaries` into `summaryDir` in the layout of `@agentwatch/summary-store` (what a
 * previous `agentwatch serve` left): per agent a `latest_summary.json` and a one-line
 * `summary_history.jsonl`, private as the store requires. Extra fields such as `activity_state`
 * are kept as the store keeps them.
 */
export async function writeStoredSummaries(
  summaryDir: string,
  summaries: readonly Summary[],
): Promise<void> {
  await mkdir(summaryDir, { recursive: true, mode: 0o700 });
  for (const summary of summaries) {
    const dir = join(summaryDir, summary.instance_id);
    await mkdir(dir, { mode: 0o700 });
    await writeFile(join(dir, "latest_summary.json"), JSON.stringify(summary, null, 2), {
      mode: 0o600,
    });
    await writeFile(join(dir, "summary_history.jsonl"), `${JSON.stringify(summary)}\n`, {
      mode: 0o600,
    });
  }
}
