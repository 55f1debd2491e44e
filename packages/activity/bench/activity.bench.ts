/**
 * Benchmark of analyzeActivity: lines per second on 100,000 lines of mixed realistic output (the
 * test fixtures of every agent kind, cycled), in one call and as a monitor reads it (polls of 200
 * lines, each passing the previous analysis), plus the time ratio for twice the input, which is
 * about 2 when the work is linear. `--quick` runs small sizes to check that the script works.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { timeSync, writeBenchResults, type BenchRow } from "@agentwatch/bench-kit";
import { analyzeActivity, type ActivityAnalysis } from "../src/index.js";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const LINES = quick ? 10_000 : 100_000;
const RUNS = quick ? 3 : 7;
const POLL = 200;
const now = new Date("2025-01-15T10:00:00Z");
const lastOutputAt = new Date("2025-01-15T09:59:00Z");

function fixtureLines(names: readonly string[]): string[] {
  const dir = join(packageDir, "test", "fixtures");
  return names.flatMap((name) => {
    const parts = readFileSync(join(dir, name), "utf8").split("\n");
    if (parts[parts.length - 1] === "") parts.pop();
    return parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  });
}

function cycle(corpus: readonly string[], count: number): string[] {
  const out: string[] = [];
  while (out.length < count) out.push(...corpus);
  out.length = count;
  return out;
}

const logs = readdirSync(join(packageDir, "test", "fixtures"))
  .filter((n) => n.endsWith(".log"))
  .sort();
// A log is either in the orchestrator's snapshot format or not: mixing the two would put every
// later line inside a snapshot, so the snapshot format is measured on its own.
const mixed = fixtureLines(logs.filter((n) => n !== "orchestrator-snapshots.log"));
const snapshots = fixtureLines(["orchestrator-snapshots.log"]);
const input = cycle(mixed, LINES);
const doubled = cycle(mixed, LINES * 2);
const snapshotInput = cycle(snapshots, LINES);

function oneCall(lines: readonly string[]): ActivityAnalysis {
  return analyzeActivity(lines, { now, lastOutputAt });
}

function polled(lines: readonly string[]): ActivityAnalysis | null {
  let previous: ActivityAnalysis | null = null;
  for (let i = 0; i < lines.length; i += POLL) {
    previous = analyzeActivity(lines.slice(i, i + POLL), { now, lastOutputAt, previous });
  }
  return previous;
}

const single = timeSync(() => oneCall(input), { runs: RUNS, warmup: 1 });
const twice = timeSync(() => oneCall(doubled), { runs: RUNS, warmup: 1 });
const polls = timeSync(() => polled(input), { runs: RUNS, warmup: 1 });
const snapshotTiming = timeSync(() => oneCall(snapshotInput), { runs: RUNS, warmup: 1 });
const ratio = twice.medianMs / single.medianMs;
const perSecond = (lines: number, ms: number) => (lines / ms) * 1000;
const label = LINES.toLocaleString("en-US");

const rows: BenchRow[] = [
  {
    name: `analyzeActivity, ${label} mixed lines, one call`,
    value: perSecond(LINES, single.medianMs),
    unit: "lines/s",
    note: `median of ${RUNS} runs: ${single.medianMs.toFixed(1)} ms`,
  },
  {
    name: `analyzeActivity, ${label} mixed lines, polls of ${POLL} with previous`,
    value: perSecond(LINES, polls.medianMs),
    unit: "lines/s",
    note: `median of ${RUNS} runs: ${polls.medianMs.toFixed(1)} ms for ${LINES / POLL} polls`,
  },
  {
    name: `analyzeActivity, ${label} lines of orchestrator snapshots`,
    value: perSecond(LINES, snapshotTiming.medianMs),
    unit: "lines/s",
    note: `median of ${RUNS} runs: ${snapshotTiming.medianMs.toFixed(1)} ms`,
  },
  {
    name: `time for ${(LINES * 2).toLocaleString("en-US")} / ${label} lines`,
    value: ratio,
    unit: "x",
    target: "<= 2.5x (linear is 2x)",
    pass: ratio <= 2.5,
    note: quick ? "quick run: small sizes, noisy" : undefined,
  },
];
writeBenchResults(packageDir, "activity", rows);
