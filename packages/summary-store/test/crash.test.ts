import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAgentSummary } from "@agentwatch/models";
import { type NodeChild, startNode, testChild } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SummaryStore } from "../src/index.js";
import { makeTempDir, removeTempDir } from "./helpers.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

let root: string;
let writer: NodeChild | undefined;
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  await writer?.stop();
  await removeTempDir(root);
});

/**
 * Runs the writer until it has completed `writes` writes of each agent, then SIGKILLs it while it
 * goes on writing (two agents at once, so a kill may land in either's write or rotation).
 */
async function runAndKill(summaryDir: string, startAt: number, writes: number): Promise<void> {
  const script = testChild(new URL("./fixtures/crash-writer.ts", import.meta.url));
  writer = startNode(script, [summaryDir, String(startAt)], { cwd: packageDir });
  const done = new Set<string>();
  await writer.waitForLine(
    (line) => {
      const [, id = "", n = "0"] = line.split(" ");
      if (Number(n) >= writes) done.add(id);
      return done.size === 2;
    },
    { what: `the writer to complete ${writes} writes of each agent` },
  );
  const { signal } = await writer.stop("SIGKILL");
  expect(signal, writer.stderr()).toBe("SIGKILL");
}

/** The number in a summary's output_preview (`"<n> é🤖…"`). */
function numberOf(preview: string): number {
  return Number(preview.split(" ")[0]);
}

describe("a writer killed with SIGKILL", () => {
  it("leaves a parseable latest_summary.json and history whose only bad lines are torn ones", async () => {
    const summaryDir = join(root, "summaries");
    // A history file is full (16 kB) after about 18 of an agent's writes: the kills land before,
    // around and after rotations.
    const killAfter = [10, 37, 75];
    for (const [round, writes] of killAfter.entries()) {
      await runAndKill(summaryDir, (round + 1) * 1_000_000, writes);
      for (const id of ["a", "b"]) {
        const dir = join(summaryDir, id);
        const latest = parseAgentSummary(await readFile(join(dir, "latest_summary.json"), "utf8"));
        const files = (await readdir(dir)).filter((name) => name.startsWith("summary_history"));
        expect(files.length).toBeLessThanOrEqual(3);
        let badTerminatedLines = 0;
        for (const name of files) {
          const lines = (await readFile(join(dir, name), "utf8")).split("\n");
          lines.pop(); // the segment after the last newline: empty, or a torn write
          for (const line of lines.filter((l) => l.length > 0)) {
            try {
              parseAgentSummary(line);
            } catch {
              badTerminatedLines++;
            }
          }
        }
        // A torn tail from an earlier round becomes a line of its own once writing resumes.
        expect(badTerminatedLines).toBeLessThanOrEqual(round);

        const store = new SummaryStore(summaryDir, { maxHistoryBytes: 16_000, historyFiles: 3 });
        const history = await store.getHistory(id, { limit: Infinity });
        expect(history.length).toBeGreaterThan(0);
        const numbers = history.map((s) => numberOf(s.output_preview));
        expect(numbers).toEqual([...numbers].sort((x, y) => y - x));
        const newest = numbers[0]!;
        expect(latest.instance_id).toBe(id);
        expect(numberOf(latest.output_preview)).toBeGreaterThanOrEqual(newest);
      }
    }
  });
});
