import { spawn } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAgentSummary } from "@agentwatch/models";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SummaryStore } from "../src/index.js";
import { makeTempDir, removeTempDir } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const writer = join(here, "fixtures", "crash-writer.ts");
const packageDir = dirname(here);

let root: string;
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(root);
});

/** Runs the writer until it has written a while, then SIGKILLs it mid-loop. */
function runAndKill(summaryDir: string, startAt: number, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@agentwatch/source", writer, summaryDir, String(startAt)],
      { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`writer exited without being killed: ${stderr}`));
    });
  });
}

/** The number in a summary's output_preview (`"<n> é🤖…"`). */
function numberOf(preview: string): number {
  return Number(preview.split(" ")[0]);
}

describe("a writer killed with SIGKILL", () => {
  it("leaves a parseable latest_summary.json and history whose only bad lines are torn ones", async () => {
    const summaryDir = join(root, "summaries");
    const delays = [5, 40, 120];
    for (const [round, delayMs] of delays.entries()) {
      await runAndKill(summaryDir, (round + 1) * 1_000_000, delayMs);
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
