// Benchmarks of SummaryStore: concurrent writes, getHistory on a full history, getAllLatest,
// getHistory behind a line far longer than any summary.
// Run with `pnpm bench` (full size) or `pnpm bench --quick` (small sizes, a few seconds).
import { mkdir, mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, timeAsync, writeBenchResults, type BenchRow } from "@agentwatch/bench-kit";
import { parseAgentSummary, type AgentSummary } from "@agentwatch/models";
import { HISTORY_FILE, SummaryStore } from "../src/index.js";

const quick = process.argv.includes("--quick");
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

const AGENTS = quick ? 100 : 1_000;
const HISTORY_BYTES = quick ? 1_000_000 : 9_900_000;
const RUNS = quick ? 3 : 7;
const HISTORY_RUNS = quick ? 10 : 30;
const LONG_LINE_BYTES = quick ? 10_000_000 : 50_000_000;

function summary(id: string, n: number): AgentSummary {
  return {
    instance_id: id,
    instance_name: `worker ${id}`,
    timestamp: new Date(Date.UTC(2026, 0, 15) + n * 12_000).toISOString(),
    current_activity: `Running \`npm test\` (2 failed) after editing src/auth/jwt.ts, step ${n}`,
    on_track_status: "on_track",
    confidence_score: 0.8,
    assigned_task: "Fix the JWT refresh bug in src/auth and add regression tests",
    parent_instance_id: "orchestrator-1",
    role: "backend_developer",
    last_tool_used: "Bash",
    recent_tools: ["Read", "Edit", "Bash", "Grep", "Edit"],
    output_preview: `FAIL src/auth/jwt.test.ts > refresh > rejects an expired token ${n} `.padEnd(
      200,
      ".",
    ),
    idle_duration_seconds: 4,
    drift_reasons: [],
    alignment_keywords: ["jwt", "refresh", "auth"],
    recommended_action: null,
  };
}

async function freshDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "summary-store-bench-"));
}

const rows: BenchRow[] = [];
const cleanup: string[] = [];

// 1. One write for each of AGENTS agents, all at once.
const writeTimes: number[] = [];
let populated = "";
for (let run = 0; run < RUNS; run++) {
  const dir = await freshDir();
  cleanup.push(dir);
  const store = new SummaryStore(dir);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: AGENTS }, (_, i) => store.write(summary(`agent-${i}`, 1))),
  );
  writeTimes.push(performance.now() - start);
  populated = dir;
}
rows.push({
  name: `write, ${AGENTS} agents at once`,
  value: AGENTS / (median(writeTimes) / 1000),
  unit: "writes/s",
  note: `median of ${RUNS}; each write fsyncs latest_summary.json, its directory and the history`,
});

// 2. getAllLatest over those agents.
const allStore = new SummaryStore(populated);
const all = await timeAsync(() => allStore.getAllLatest(), { runs: RUNS, warmup: 1 });
if ((await allStore.getAllLatest()).length !== AGENTS) throw new Error("getAllLatest lost agents");
rows.push({
  name: `getAllLatest, ${AGENTS} agents`,
  value: all.medianMs,
  unit: "ms",
  note: `median of ${RUNS}`,
});

// 3. getHistory(limit 100) on a history file of HISTORY_BYTES, against reading the whole file.
const historyDir = await freshDir();
cleanup.push(historyDir);
await mkdir(join(historyDir, "big"));
const historyPath = join(historyDir, "big", HISTORY_FILE);
const handle = await open(historyPath, "w");
let bytes = 0;
let lines = 0;
const batch: string[] = [];
while (bytes < HISTORY_BYTES) {
  const line = `${JSON.stringify(summary("big", lines++))}\n`;
  bytes += Buffer.byteLength(line);
  batch.push(line);
  if (batch.length === 1000) await handle.write(batch.splice(0).join(""));
}
await handle.write(batch.join(""));
await handle.close();

const historyStore = new SummaryStore(historyDir);
const tail = await timeAsync(() => historyStore.getHistory("big", { limit: 100 }), {
  runs: HISTORY_RUNS,
  warmup: 2,
});
const got = await historyStore.getHistory("big", { limit: 100 });
if (got.length !== 100 || got[0]?.timestamp !== summary("big", lines - 1).timestamp) {
  throw new Error("getHistory returned the wrong records");
}
const whole = await timeAsync(
  async () => {
    const text = await readFile(historyPath, "utf8");
    const all = text.split("\n").filter((l) => l.length > 0);
    return all.slice(-100).reverse().map(parseAgentSummary);
  },
  { runs: HISTORY_RUNS, warmup: 2 },
);
const mb = (bytes / 1_000_000).toFixed(1);
rows.push({
  name: `getHistory(limit 100), ${mb} MB history`,
  value: tail.medianMs,
  unit: "ms",
  note: `median of ${HISTORY_RUNS}; ${lines} lines`,
});
rows.push({
  name: `read whole ${mb} MB file, parse last 100 (baseline)`,
  value: whole.medianMs,
  unit: "ms",
  note: `median of ${HISTORY_RUNS}`,
});
rows.push({
  name: "getHistory speed-up over whole-file read",
  value: whole.medianMs / tail.medianMs,
  unit: "x",
});

// 4. getHistory(limit 1) when the newest line is LONG_LINE_BYTES long (not a summary): the reader
// skips it without holding it (maxLineBytes) and returns the summary before it.
const longDir = await freshDir();
cleanup.push(longDir);
await mkdir(join(longDir, "long"));
const longHandle = await open(join(longDir, "long", HISTORY_FILE), "w");
await longHandle.write(`${JSON.stringify(summary("long", 0))}\n`);
await longHandle.write(Buffer.alloc(LONG_LINE_BYTES, "x"));
await longHandle.write("\n");
await longHandle.close();
const longStore = new SummaryStore(longDir);
const behind = await timeAsync(() => longStore.getHistory("long", { limit: 1 }), {
  runs: RUNS,
  warmup: 1,
});
const found = await longStore.getHistory("long", { limit: 1 });
if (found[0]?.timestamp !== summary("long", 0).timestamp) {
  throw new Error("getHistory did not find the summary behind the long line");
}
rows.push({
  name: `getHistory(limit 1) behind a ${LONG_LINE_BYTES / 1_000_000} MB line`,
  value: behind.medianMs,
  unit: "ms",
  note: `median of ${RUNS}; the line is skipped unread past maxLineBytes (1 MiB)`,
});

for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
writeBenchResults(packageDir, "summary-store", rows);
