import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SCENARIOS, expectedLines, simulatedBytes } from "@agentwatch/agent-sim";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Workspace } from "./helpers/workspace.js";

const CHILD = fileURLToPath(new URL("./helpers/run-service.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const AGENTS = ["sim-a", "sim-b", "sim-c", "sim-d", "sim-e"];
const KILLS = 4;

interface Entry {
  id: string;
  start: number;
  lines: string[];
}

let ws: Workspace;
let children: ChildProcess[] = [];

beforeEach(async () => {
  ws = await Workspace.create();
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  children = [];
  await ws.remove();
});

/** Bytes of a simulated agent, cut into `parts` pieces that each end with a newline. */
function stages(seed: number, parts: number): Uint8Array[] {
  const bytes = simulatedBytes({ seed, scenario: SCENARIOS[seed % SCENARIOS.length]! }, 160);
  const cuts = [0];
  for (let i = 1; i <= parts; i++) {
    const target = Math.floor((bytes.length * i) / parts) - 1;
    cuts.push(bytes.lastIndexOf(0x0a, target) + 1);
  }
  return cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
}

function spawnService(recordFile: string): { child: ChildProcess; output: string[] } {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@agentwatch/source",
      CHILD,
      ws.logDir,
      ws.stateDir,
      ws.summaryDir,
      recordFile,
    ],
    { cwd: PACKAGE_DIR, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  const output: string[] = [];
  child.stdout
    ?.setEncoding("utf8")
    .on("data", (chunk: string) => output.push(...chunk.split("\n")));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => output.push(`stderr: ${chunk}`));
  return { child, output };
}

async function until(condition: () => boolean, what: string, output: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; child said:\n${output.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

function readRecord(file: string): Entry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Entry);
}

/** How far the recorded batches of one agent cover its lines without a gap (-1 at a gap). */
function coverage(entries: Entry[], expected: string[]): number {
  let covered = 0;
  for (const entry of entries) {
    expect(entry.lines).toEqual(expected.slice(entry.start, entry.start + entry.lines.length));
    if (entry.start > covered) return -1; // lines before entry.start were never summarized
    covered = Math.max(covered, entry.start + entry.lines.length);
  }
  return covered;
}

describe("resume after a kill", () => {
  it("summarizes every written line at least once and skips none across SIGKILLs mid-cycle", async () => {
    const record = join(ws.root, "record.jsonl");
    const pieces = AGENTS.map((_, i) => stages(i + 1, KILLS + 1));
    const expected = AGENTS.map((_, i) => expectedLines(Buffer.concat(pieces[i]!)));
    for (const id of AGENTS) ws.addAgent(id);

    for (let round = 0; round <= KILLS; round++) {
      AGENTS.forEach((id, i) => appendFileSync(ws.logPath(id), pieces[i]![round]!));
      const before = readRecord(record).length;
      const { child, output } = spawnService(record);
      if (round < KILLS) {
        // kill while the (round+1)-th batch of this run is summarized but not yet stored or committed
        const target = round + 1;
        await until(
          () => output.filter((line) => line.startsWith("recorded")).length >= target,
          "a batch",
          output,
        );
        child.kill("SIGKILL");
        expect(await exited(child)).toBeNull();
        expect(readRecord(record).length).toBeGreaterThan(before);
        continue;
      }
      await until(
        () => {
          const entries = readRecord(record);
          return AGENTS.every(
            (id, i) =>
              coverage(
                entries.filter((e) => e.id === id),
                expected[i]!,
              ) === expected[i]!.length,
          );
        },
        "every line to be summarized",
        output,
      );
      child.kill("SIGTERM");
      expect(await exited(child)).toBe(0);
    }

    const entries = readRecord(record);
    let summarized = 0;
    AGENTS.forEach((id, i) => {
      const mine = entries.filter((entry) => entry.id === id);
      expect(coverage(mine, expected[i]!)).toBe(expected[i]!.length);
      summarized += mine.reduce((sum, entry) => sum + entry.lines.length, 0);
    });
    const written = expected.reduce((sum, lines) => sum + lines.length, 0);
    // the kills landed between summarizing and committing: some lines were summarized twice
    expect(summarized).toBeGreaterThan(written);
  }, 60_000);
});
