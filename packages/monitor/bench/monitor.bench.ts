/**
 * Benchmark of one monitoring cycle with the real parts (reader, tracker, analyzeActivity, the
 * SummaryGenerator with its offline heuristic provider, summary store, layout source):
 * - one cycle over 1,000 agents that each have new output: wall time, CPU, peak RSS and heap;
 * - one cycle over 10,000 idle agents (no new output): wall time.
 *
 * `--quick` runs 100 and 1,000 agents to check that the script works.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { SCENARIOS, simulatedBytes } from "@agentwatch/agent-sim";
import { type BenchRow, median, writeBenchResults } from "@agentwatch/bench-kit";
import { DEFAULT_CONFIG, type MonitoringConfig } from "@agentwatch/config";
import { createMonitoringService } from "../src/index.js";

const quick = process.argv.includes("--quick");
const BUSY_AGENTS = quick ? 100 : 1_000;
const IDLE_AGENTS = quick ? 1_000 : 10_000;
const RUNS = quick ? 2 : 5;
const POLL_SECONDS = DEFAULT_CONFIG.poll_interval_seconds;
const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** Simulated output of one agent: about a poll's worth of terminal lines, cut at a newline. */
function agentOutput(seed: number, writes: number): Uint8Array {
  const bytes = simulatedBytes({ seed, scenario: SCENARIOS[seed % SCENARIOS.length]! }, writes);
  return bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
}

interface Fleet {
  readonly root: string;
  readonly config: MonitoringConfig;
  readonly ids: string[];
}

async function makeFleet(count: number, writes: number): Promise<Fleet> {
  const root = await mkdtemp(join(tmpdir(), "agentwatch-monitor-bench-"));
  const logDir = join(root, "logs");
  const ids = Array.from({ length: count }, (_, i) => `agent-${String(i).padStart(5, "0")}`);
  for (const [i, id] of ids.entries()) {
    const dir = join(logDir, "instances", id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "metadata.json"),
      JSON.stringify({
        instance_name: `worker ${i}`,
        created_at: "2026-01-15T09:00:00Z",
        role: "backend_developer",
        assigned_task: "Implement JWT authentication for the login route",
      }),
    );
    writeFileSync(join(dir, "tmux_output.log"), agentOutput(i, writes));
  }
  const config: MonitoringConfig = {
    ...DEFAULT_CONFIG,
    log_dir: logDir,
    state_dir: join(root, "state"),
    summary_dir: join(root, "summaries"),
  };
  return { root, config, ids };
}

interface Measured {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  peakHeapMb: number;
  lines: number;
  modelCalls: number;
}

/** One cycle of a fresh service over a fleet whose logs are all unread. */
async function busyCycle(fleet: Fleet): Promise<Measured> {
  const service = await createMonitoringService(fleet.config);
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 5);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const stats = await service.runOnce();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  const usage = process.memoryUsage();
  await service.stop();
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    peakRssMb: Math.max(peakRss, usage.rss) / 2 ** 20,
    peakHeapMb: Math.max(peakHeap, usage.heapUsed) / 2 ** 20,
    lines: stats.lines,
    modelCalls: stats.model_calls,
  };
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const target = `well inside one poll interval (${POLL_SECONDS} s)`;

  // 1. A cycle over agents that all have new output; a fresh fleet per run, so every run reads.
  const warmUp = await makeFleet(50, 40); // compile the hot paths before timing anything
  await busyCycle(warmUp);
  await rm(warmUp.root, { recursive: true, force: true });
  const runs: Measured[] = [];
  for (let run = 0; run < RUNS; run++) {
    const fleet = await makeFleet(BUSY_AGENTS, 40);
    runs.push(await busyCycle(fleet));
    await rm(fleet.root, { recursive: true, force: true });
  }
  const wall = median(runs.map((r) => r.wallMs));
  const cpu = median(runs.map((r) => r.cpuMs));
  const lines = median(runs.map((r) => r.lines));
  rows.push(
    {
      name: `cycle over ${BUSY_AGENTS.toLocaleString("en-US")} agents with new output: wall`,
      value: wall,
      unit: "ms",
      target: quick ? undefined : target,
      pass: quick ? undefined : wall <= (POLL_SECONDS * 1000) / 2,
      note: `median of ${RUNS}; ${lines.toLocaleString("en-US")} lines; pass = under half the interval`,
    },
    {
      name: `cycle over ${BUSY_AGENTS.toLocaleString("en-US")} agents: CPU (user+system)`,
      value: cpu,
      unit: "ms",
      note: `${(cpu / wall).toFixed(2)} cores busy on average`,
    },
    { name: "cycle: time per agent", value: (wall / BUSY_AGENTS) * 1000, unit: "µs" },
    { name: "cycle: peak RSS", value: median(runs.map((r) => r.peakRssMb)), unit: "MiB" },
    { name: "cycle: peak heap used", value: median(runs.map((r) => r.peakHeapMb)), unit: "MiB" },
    {
      name: "cycle: model calls",
      value: median(runs.map((r) => r.modelCalls)),
      unit: "calls",
      note: "SummaryGenerator with the heuristic provider: no model requests",
    },
  );

  // 2. Cycles over idle agents: a warm-up cycle reads every log once, the measured ones find nothing new.
  const idle = await makeFleet(IDLE_AGENTS, 6);
  const service = await createMonitoringService(idle.config);
  await service.runOnce();
  const idleWalls: number[] = [];
  let idleCalls = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const stats = await service.runOnce();
    idleWalls.push(performance.now() - start);
    idleCalls += stats.model_calls;
  }
  const idleHeapMb = process.memoryUsage().heapUsed / 2 ** 20; // the service still holds its agents
  await service.stop();
  await rm(idle.root, { recursive: true, force: true });
  const idleWall = median(idleWalls);
  rows.push(
    {
      name: `cycle over ${IDLE_AGENTS.toLocaleString("en-US")} idle agents: wall`,
      value: idleWall,
      unit: "ms",
      target: quick ? undefined : `inside one poll interval (${POLL_SECONDS} s)`,
      pass: quick ? undefined : idleWall <= POLL_SECONDS * 1000,
      note: `median of ${RUNS}; ${idleCalls} model calls in total`,
    },
    { name: "idle cycle: time per agent", value: (idleWall / IDLE_AGENTS) * 1000, unit: "µs" },
    {
      name: `heap used with ${IDLE_AGENTS.toLocaleString("en-US")} agents known`,
      value: idleHeapMb,
      unit: "MiB",
      note: "each agent's last analysis and summary are kept between cycles",
    },
  );

  writeBenchResults(
    packageDir,
    "monitor",
    quick
      ? rows.map((row) => ({ ...row, note: row.note ? `quick run; ${row.note}` : "quick run" }))
      : rows,
  );
}

await main();
