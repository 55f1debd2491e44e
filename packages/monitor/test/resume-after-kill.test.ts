import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SCENARIOS, expectedLines, simulatedBytes } from "@agentwatch/agent-sim";
import { type NodeChild, scaled, startNode, testChild, waitFor } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Workspace } from "./helpers/workspace.js";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const AGENTS = ["sim-a", "sim-b", "sim-c", "sim-d", "sim-e"];
const KILLS = 4;

interface Entry {
  id: string;
  start: number;
  lines: string[];
}

let ws: Workspace;
let children: NodeChild[] = [];

beforeEach(async () => {
  ws = await Workspace.create();
});

afterEach(async () => {
  await Promise.all(children.map((child) => child.stop()));
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

/**
 * Starts the service (test/helpers/run-service.ts, compiled, on the built package). Each batch it
 * summarizes waits, summarized but not yet stored, until `letGo(n)` says yes to the nth batch of
 * this run (n from 1); a batch it says no to stays waiting, for the test to kill the service.
 */
function startService(recordFile: string, letGo: (n: number) => boolean): NodeChild {
  const script = testChild(new URL("./helpers/run-service.ts", import.meta.url));
  const args = [ws.logDir, ws.stateDir, ws.summaryDir, recordFile];
  const service = startNode(script, args, { cwd: PACKAGE_DIR, stdin: "pipe" });
  children.push(service);
  let batches = 0;
  service.child.stdout?.on("data", () => {
    const recorded = service.lines.filter((line) => line.startsWith("recorded ")).length;
    while (batches < recorded) if (letGo(++batches)) service.child.stdin?.write("go\n");
  });
  return service;
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

describe("resume after a kill", { timeout: scaled(60_000) }, () => {
  it("summarizes every written line at least once and skips none across SIGKILLs mid-cycle", async () => {
    const record = join(ws.root, "record.jsonl");
    const pieces = AGENTS.map((_, i) => stages(i + 1, KILLS + 1));
    const expected = AGENTS.map((_, i) => expectedLines(Buffer.concat(pieces[i]!)));
    for (const id of AGENTS) ws.addAgent(id);

    for (let round = 0; round <= KILLS; round++) {
      AGENTS.forEach((id, i) => appendFileSync(ws.logPath(id), pieces[i]![round]!));
      const before = readRecord(record).length;
      if (round < KILLS) {
        // kill while the (round+1)-th batch of this run is summarized but not yet stored or committed
        const target = round + 1;
        const service = startService(record, (n) => n < target);
        await service.waitForLine((line) => line.startsWith("recorded "), {
          what: `batch ${target} of run ${round + 1} to be summarized`,
          nth: target,
        });
        const { code, signal } = await service.stop("SIGKILL");
        expect({ code, signal }, service.stderr()).toEqual({ code: null, signal: "SIGKILL" });
        expect(readRecord(record).length).toBeGreaterThan(before);
        continue;
      }
      const service = startService(record, () => true);
      await waitFor(
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
        { what: "every line to be summarized" },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\nservice stderr: ${service.stderr()}`);
      });
      const { code } = await service.stop("SIGTERM");
      expect(code, service.stderr()).toBe(0);
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
  });
});
