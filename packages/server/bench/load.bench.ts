/**
 * Load test of the server: C WebSocket clients for S seconds against A simulated agents, with a
 * real MonitoringService (reader, tracker, analyzeActivity, summary store, layout source, and a
 * model-free generator) polling every second. Checks that every client receives every update, in
 * the server's order, and samples the server process's heap and RSS (after a GC) every second to
 * show they stay flat. Clients and the agents' writers run in a child process (load-driver.ts).
 *
 * Full size: 100 clients × 60 s × 200 agents. `--quick`: 10 clients × 10 s × 20 agents.
 * `--clients N`, `--seconds N` and `--agents N` change one dimension.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { SCENARIOS, simulatedBytes } from "@agentwatch/agent-sim";
import { type BenchRow, median, writeBenchResults } from "@agentwatch/bench-kit";
import { DEFAULT_CONFIG, type MonitoringConfig } from "@agentwatch/config";
import { type MonitorEventName, createMonitoringService } from "@agentwatch/monitor";
import { SummaryStore } from "@agentwatch/summary-store";
import { createServer } from "../src/index.js";
import { tinyGenerator } from "../test/helpers/tiny-generator.js";
import { SequenceHash, messageKey } from "./sequence-hash.js";

const quick = process.argv.includes("--quick");
/** `--name N` from the command line, else `fallback`. */
function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const CLIENTS = flag("clients", quick ? 10 : 100);
const SECONDS = flag("seconds", quick ? 10 : 60);
const AGENTS = flag("agents", quick ? 20 : 200);
const WARMUP_SECONDS = Math.min(10, Math.round(SECONDS / 2));
/** Target: the server's heap (after GC) grows by less than this per minute once warmed up. */
const MAX_HEAP_SLOPE_MB_PER_MIN = 2;
const packageDir = fileURLToPath(new URL("..", import.meta.url));

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Least-squares slope of `ys` over `xs`. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function makeFleet(root: string): { config: MonitoringConfig; logs: string[] } {
  const logDir = join(root, "logs");
  const logs: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const dir = join(logDir, "instances", `agent-${String(i).padStart(4, "0")}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "metadata.json"),
      JSON.stringify({ instance_name: `worker ${i}`, role: "developer", assigned_task: "Ship it" }),
    );
    const path = join(dir, "tmux_output.log");
    writeFileSync(
      path,
      simulatedBytes({ seed: i + 1, scenario: SCENARIOS[i % SCENARIOS.length]! }, 20),
    );
    logs.push(path);
  }
  const config: MonitoringConfig = {
    ...DEFAULT_CONFIG,
    log_dir: logDir,
    state_dir: join(root, "state"),
    summary_dir: join(root, "summaries"),
    poll_interval_seconds: 1,
    agent_concurrency: 8,
    server_port: 0,
    max_clients: CLIENTS + 10,
  };
  return { config, logs };
}

function lineReader(child: ChildProcess): () => Promise<Record<string, unknown>> {
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const next = waiting.shift();
    if (next !== undefined) next(line);
    else queue.push(line);
  });
  return () =>
    new Promise((resolve) => {
      const line = queue.shift();
      if (line !== undefined) resolve(JSON.parse(line) as Record<string, unknown>);
      else waiting.push((l) => resolve(JSON.parse(l) as Record<string, unknown>));
    });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const root = await mkdtemp(join(tmpdir(), "agentwatch-server-load-"));
try {
  const { config, logs } = makeFleet(root);
  const generator = tinyGenerator();
  const store = new SummaryStore(config.summary_dir);
  const service = await createMonitoringService(config, { generator, store });
  const server = createServer({
    service,
    store,
    config,
    generatorStats: () => generator.stats,
    // Every client of the load test connects from 127.0.0.1; scrapes of /metrics add a few.
    limits: { maxConnectionsPerAddress: CLIENTS + 16 },
  });
  const { url } = await server.listen();
  const emitted = new SequenceHash();
  const cycles: number[] = [];
  const types: MonitorEventName[] = [
    "summary",
    "state_change",
    "agent_added",
    "agent_removed",
    "cycle",
  ];
  for (const type of types) {
    service.on(type, (payload: object) => {
      const wire = type === "summary" ? "summary_update" : type;
      emitted.add(messageKey({ ...payload, type: wire }));
      if (type === "cycle") cycles.push((payload as { duration_ms: number }).duration_ms);
    });
  }
  const driver = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@agentwatch/source",
      fileURLToPath(new URL("./load-driver.ts", import.meta.url)),
      JSON.stringify({
        url: `${url.replace("http", "ws")}/ws/agent_summaries`,
        metricsUrl: `${url}/metrics`,
        clients: CLIENTS,
        logs,
        pauseScale: 2,
      }),
    ],
    { cwd: packageDir, stdio: ["pipe", "pipe", "inherit"] },
  );
  const next = lineReader(driver);
  await next(); // {"ready":true}: every client has its snapshot
  console.log(`${CLIENTS} clients connected to ${url}; ${AGENTS} agents for ${SECONDS} s…`);

  const samples: Array<{ t: number; heap: number; rss: number }> = [];
  const t0 = performance.now();
  const sample = () => {
    gc();
    const memory = process.memoryUsage();
    samples.push({
      t: (performance.now() - t0) / 1000,
      heap: memory.heapUsed / 2 ** 20,
      rss: memory.rss / 2 ** 20,
    });
  };
  sample();
  service.start();
  driver.stdin.write("start\n");
  const sampler = setInterval(sample, 1000);
  await sleep(SECONDS * 1000);
  driver.stdin.write("stop\n");
  const { bytes, buffered } = (await next()) as { bytes: number; buffered: number[] };
  clearInterval(sampler);
  const cyclesAtStop = cycles.length;
  while (cycles.length < cyclesAtStop + 2) await sleep(100); // the last output is read
  await service.stop({ timeoutMs: 10_000 });
  const expected = emitted.count;
  driver.stdin.write(`expect ${expected}\n`);
  const report = (await next()) as {
    clients: Array<{ count: number; hash: number; closeCode: number | null }>;
    latency: { p50: number; p99: number; max: number };
  };
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const dropped = [...metrics.matchAll(/^agentwatch_ws_dropped_clients_total\{[^}]*\} (\d+)$/gm)]
    .map((m) => Number(m[1]))
    .reduce((a, b) => a + b, 0);
  await server.close();
  if (driver.exitCode === null) await new Promise((resolve) => driver.once("exit", resolve));

  const complete = report.clients.filter((c) => c.count === expected && c.hash === emitted.value);
  const minReceived = Math.min(...report.clients.map((c) => c.count));
  const steady = samples.filter((s) => s.t >= WARMUP_SECONDS);
  const heapSlope =
    slope(
      steady.map((s) => s.t),
      steady.map((s) => s.heap),
    ) * 60;
  const rssSlope =
    slope(
      steady.map((s) => s.t),
      steady.map((s) => s.rss),
    ) * 60;
  const heaps = samples.map((s) => s.heap);
  const rsss = samples.map((s) => s.rss);
  const size = `${CLIENTS} clients × ${SECONDS} s × ${AGENTS} agents`;
  const rows: BenchRow[] = [
    { name: "updates streamed per client", value: expected, unit: "messages", note: size },
    {
      name: "clients that received every update in order",
      value: complete.length,
      unit: `of ${CLIENTS}`,
      target: `= ${CLIENTS}`,
      pass: complete.length === CLIENTS,
      note: `fewest received: ${minReceived}`,
    },
    {
      name: "clients dropped",
      value: dropped,
      unit: "clients",
      target: "= 0",
      pass: dropped === 0,
    },
    {
      name: "messages delivered",
      value: (expected * CLIENTS) / SECONDS,
      unit: "msg/s",
      note: `${(bytes / 2 ** 20).toFixed(1)} MiB of agent output`,
    },
    { name: "summary made → on client, p50", value: report.latency.p50, unit: "ms" },
    {
      name: "summary made → on client, p99",
      value: report.latency.p99,
      unit: "ms",
      note: `max ${report.latency.max} ms`,
    },
    {
      name: "poll cycle, median",
      value: median(cycles),
      unit: "ms",
      note: `${cycles.length} cycles`,
    },
    { name: "server heap after GC, start", value: heaps[0]!, unit: "MiB" },
    { name: "server heap after GC, median", value: median(heaps), unit: "MiB" },
    { name: "server heap after GC, max", value: Math.max(...heaps), unit: "MiB" },
    {
      name: "server heap slope after warm-up",
      value: heapSlope,
      unit: "MiB/min",
      target: `< ${MAX_HEAP_SLOPE_MB_PER_MIN}`,
      pass: heapSlope < MAX_HEAP_SLOPE_MB_PER_MIN,
      note: `${steady.length} samples after ${WARMUP_SECONDS} s`,
    },
    {
      name: "bytes queued for clients, max",
      value: Math.max(0, ...buffered) / 2 ** 10,
      unit: "KiB",
      target: `< ${CLIENTS} × 4 MiB`,
      pass: Math.max(0, ...buffered) < CLIENTS * 4 * 2 ** 20,
      note: `scraped from /metrics every second (${buffered.length} samples)`,
    },
    { name: "server RSS, start", value: rsss[0]!, unit: "MiB" },
    { name: "server RSS, median", value: median(rsss), unit: "MiB" },
    { name: "server RSS, max", value: Math.max(...rsss), unit: "MiB" },
    { name: "server RSS slope after warm-up", value: rssSlope, unit: "MiB/min" },
  ];
  writeBenchResults(packageDir, "server", rows);
} finally {
  await rm(root, { recursive: true, force: true });
}
