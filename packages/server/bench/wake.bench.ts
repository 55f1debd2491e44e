/**
 * Wake-up benchmark (issue 19): how soon a permission prompt reaches a WebSocket client.
 *
 * A real MonitoringService (reader, tracker, analyzeActivity, the offline SummaryGenerator,
 * summary store, the original log layout) with the default poll interval (12 s, real timers),
 * behind a real server. In another process (wake-driver.ts), A simulated Claude Code agents write
 * a few lines a second each, and at random times print a permission prompt; one WebSocket client
 * there times each prompt from its write to the `state_change` to `waiting_permission` of that
 * agent. Run twice: with `wakeOnWrite` (a quick look when a log is written) and without it (the
 * poll alone: up to a cycle).
 *
 * Full size: 100 agents, 120 prompts with wakeOnWrite, 100 without. `--quick`: 20 agents, 20 and
 * 10 prompts. `--agents N`, `--prompts N` and `--prompts-off N` change one figure.
 * Its rows (named `wake …`) are added to the server's results (`.bench/results.json`).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { simulatedBytes } from "@agentwatch/agent-sim";
import { type BenchRow, median, percentile, writeBenchResults } from "@agentwatch/bench-kit";
import { DEFAULT_CONFIG, type MonitoringConfig } from "@agentwatch/config";
import { createMonitoringService } from "@agentwatch/monitor";
import { SummaryStore } from "@agentwatch/summary-store";
import { createServer } from "../src/index.js";
import type { WakeDriverArgs, WakeDriverReport } from "./wake-driver.js";

const quick = process.argv.includes("--quick");
/** `--name N` from the command line, else `fallback`. */
function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const AGENTS = flag("agents", quick ? 20 : 100);
const PROMPTS_ON = flag("prompts", quick ? 20 : 120);
const PROMPTS_OFF = flag("prompts-off", quick ? 10 : 100);
/** Target of issue 19: a prompt reaches the client within a second (p95). */
const TARGET_P95_MS = 1_000;
const POLL_SECONDS = DEFAULT_CONFIG.poll_interval_seconds;
const packageDir = fileURLToPath(new URL("..", import.meta.url));

interface Phase {
  readonly report: WakeDriverReport;
  /** CPU of this process (server + monitor) over the run, in cores. */
  readonly serverCores: number;
  /** The 1-minute load average of the machine, sampled every 5 s: median. */
  readonly load: number;
  readonly cycles: number;
}

function makeFleet(root: string): {
  config: MonitoringConfig;
  agents: WakeDriverArgs["agents"];
} {
  const logDir = join(root, "logs");
  const agents: Array<{ id: string; path: string }> = [];
  for (let i = 0; i < AGENTS; i++) {
    const id = `agent-${String(i).padStart(3, "0")}`;
    const dir = join(logDir, "instances", id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "metadata.json"),
      JSON.stringify({
        instance_name: `worker ${i}`,
        role: "backend_developer",
        assigned_task: "Implement JWT authentication for the login route",
      }),
    );
    const path = join(dir, "tmux_output.log");
    // The start of a Claude Code session: its banner and first steps, whole lines.
    const start = simulatedBytes(
      { seed: 100 + i, scenario: "implement-feature", splitChance: 0 },
      8,
    );
    writeFileSync(path, start);
    agents.push({ id, path });
  }
  const config: MonitoringConfig = {
    ...DEFAULT_CONFIG,
    log_dir: logDir,
    state_dir: join(root, "state"),
    summary_dir: join(root, "summaries"),
    server_port: 0,
  };
  return { config, agents };
}

async function runPhase(wakeOnWrite: boolean, prompts: number): Promise<Phase> {
  const root = await mkdtemp(join(tmpdir(), "agentwatch-wake-bench-"));
  try {
    const { config, agents } = makeFleet(root);
    const store = new SummaryStore(config.summary_dir);
    const service = await createMonitoringService(config, { store, wakeOnWrite });
    const server = createServer({ service, store, config });
    const { url } = await server.listen();
    let cycles = 0;
    let firstCycle: () => void = () => {};
    const started = new Promise<void>((resolve) => (firstCycle = resolve));
    service.on("cycle", () => {
      if (++cycles === 1) firstCycle();
    });
    service.start();
    await started; // every agent known and read once

    const loads: number[] = [];
    const sampler = setInterval(() => loads.push(loadavg()[0]!), 5_000);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const args: WakeDriverArgs = {
      url: `${url.replace("http", "ws")}/ws/agent_summaries`,
      agents,
      prompts,
      workMs: [13_000, 40_000], // over a poll interval: a cycle sees the agent working between prompts
      answerMs: [1_000, 4_000],
      missAfterMs: 3 * POLL_SECONDS * 1000,
      seed: wakeOnWrite ? 19 : 91,
    };
    const driver = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=@agentwatch/source",
        fileURLToPath(new URL("./wake-driver.ts", import.meta.url)),
        JSON.stringify(args),
      ],
      { cwd: packageDir, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    driver.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => driver.once("exit", resolve));
    const used = process.cpuUsage(cpu);
    const wallMs = performance.now() - t0;
    clearInterval(sampler);
    if (code !== 0) throw new Error(`the wake driver exited with ${code}: ${out}`);
    const report = JSON.parse(out.trim()) as WakeDriverReport;
    await server.close();
    await service.stop({ timeoutMs: 10_000 });
    return {
      report,
      serverCores: (used.user + used.system) / 1000 / wallMs,
      load: median(loads),
      cycles,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const rows: BenchRow[] = [];
for (const wakeOnWrite of [true, false]) {
  const label = wakeOnWrite ? "wakeOnWrite" : "poll only";
  console.log(`wake: ${AGENTS} agents, ${label}…`);
  const { report, serverCores, load, cycles } = await runPhase(
    wakeOnWrite,
    wakeOnWrite ? PROMPTS_ON : PROMPTS_OFF,
  );
  const p50 = median(report.latencies);
  const p95 = percentile(report.latencies, 95);
  const measured = report.latencies.length;
  const context = `${measured} of ${report.prompts} prompts, ${report.missed} missed; ${AGENTS} agents, ${(report.writes / report.seconds / AGENTS).toFixed(1)} writes/s each; ${cycles} cycles; load ${load.toFixed(1)}`;
  rows.push(
    {
      name: `wake prompt → client, ${label}: median`,
      value: p50,
      unit: "ms",
      note: context,
    },
    {
      name: `wake prompt → client, ${label}: p95`,
      value: p95,
      unit: "ms",
      target: wakeOnWrite ? `<= ${TARGET_P95_MS} ms` : undefined,
      pass: wakeOnWrite && !quick ? p95 <= TARGET_P95_MS && report.missed === 0 : undefined,
      note: `max ${Math.max(...report.latencies).toFixed(0)} ms`,
    },
    {
      name: `wake server process CPU, ${label}`,
      value: serverCores,
      unit: "cores",
      note: `server + monitor over ${report.seconds.toFixed(0)} s, the writers and client aside`,
    },
  );
}

const file = join(packageDir, ".bench", "results.json");
const earlier = existsSync(file)
  ? ((JSON.parse(readFileSync(file, "utf8")) as { rows: BenchRow[] }).rows ?? []).filter(
      (row) => !row.name.startsWith("wake "),
    )
  : [];
writeBenchResults(
  packageDir,
  "server",
  quick
    ? [
        ...earlier,
        ...rows.map((row) => ({ ...row, note: row.note ? `quick run; ${row.note}` : "quick run" })),
      ]
    : [...earlier, ...rows],
);
