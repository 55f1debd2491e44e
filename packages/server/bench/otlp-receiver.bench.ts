/**
 * OTLP receiver benchmark: a server with `otlpReceiver` fed A agents' summaries per second by a
 * real OTLP exporter in another process (otlp-driver.ts), with one WebSocket client there.
 * Measures the receiving server's CPU (this process, which runs only the server) and memory, and
 * the end-to-end latency from a summary stored (emitted to the exporter) to the WebSocket client:
 * the exporter's batching (up to 1 s), the request, decoding, and the broadcast.
 *
 * Full size: 1,000 agents × 30 s. `--quick`: 1,000 agents × 10 s. `--agents N`, `--seconds N`.
 * Its rows are added to the server's results (`.bench/results.json`, written by load.bench.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type BenchRow, median, percentile, writeBenchResults } from "@agentwatch/bench-kit";
import { SummaryStore } from "@agentwatch/summary-store";
import { createServer } from "../src/index.js";

const quick = process.argv.includes("--quick");
function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const AGENTS = flag("agents", 1000);
const SECONDS = flag("seconds", quick ? 10 : 30);
const WARMUP_SECONDS = Math.min(5, Math.round(SECONDS / 3));
const packageDir = fileURLToPath(new URL("..", import.meta.url));

const dir = await mkdtemp(join(tmpdir(), "agentwatch-otlp-bench-"));
const server = createServer({
  store: new SummaryStore(join(dir, "summaries")),
  config: {
    server_host: "127.0.0.1",
    server_port: 0,
    token: "",
    max_clients: 10,
    enable_streaming: true,
  },
  dashboardDir: join(dir, "none"),
  otlpReceiver: {},
});
const { url } = await server.listen();

const driver = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    "--conditions=@agentwatch/source",
    fileURLToPath(new URL("./otlp-driver.ts", import.meta.url)),
    JSON.stringify({
      url: `${url.replace("http", "ws")}/ws/agent_summaries`,
      agents: AGENTS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
    }),
  ],
  { stdio: ["ignore", "pipe", "inherit"], cwd: packageDir },
);
const output = new Promise<string>((resolve) => {
  let last = "";
  createInterface({ input: driver.stdout }).on("line", (line) => (last = line));
  driver.on("close", () => resolve(last));
});

// Samples of the server's CPU share and memory, one a second, after the warm-up.
const cpu: number[] = [];
const rss: number[] = [];
const heap: number[] = [];
let previous = process.cpuUsage();
let previousAt = performance.now();
const started = Date.now();
const sampler = setInterval(() => {
  const usage = process.cpuUsage(previous);
  const now = performance.now();
  const elapsedUs = (now - previousAt) * 1000;
  previous = process.cpuUsage();
  previousAt = now;
  if (Date.now() - started < WARMUP_SECONDS * 1000) return;
  if (Date.now() - started > SECONDS * 1000) return;
  cpu.push(((usage.user + usage.system) / elapsedUs) * 100);
  const memory = process.memoryUsage();
  rss.push(memory.rss / 1024 / 1024);
  heap.push(memory.heapUsed / 1024 / 1024);
}, 1000);

const result = JSON.parse(await output) as {
  sent: number;
  received: number;
  latencies: number[];
  export: { logs: { dropped: number; failed: number } };
};
clearInterval(sampler);
await server.close();
await rm(dir, { recursive: true, force: true });

const rate = `${AGENTS} agents × 1 summary/s, ${SECONDS} s`;
const rows: BenchRow[] = [
  {
    name: "otlp receiver CPU (median of 1 s samples)",
    value: median(cpu),
    unit: "% of a core",
    note: rate,
  },
  { name: "otlp receiver RSS (median)", value: median(rss), unit: "MiB" },
  { name: "otlp receiver heap used (max)", value: Math.max(...heap), unit: "MiB" },
  {
    name: "otlp summary → WebSocket latency, median",
    value: median(result.latencies),
    unit: "ms",
    note: "includes the exporter's batching (scheduledDelay 1 s)",
  },
  {
    name: "otlp summary → WebSocket latency, p95",
    value: percentile(result.latencies, 95),
    unit: "ms",
  },
  {
    name: "otlp summaries delivered",
    value: result.received / Math.max(1, result.sent),
    unit: "of sent",
    target: "1.0",
    pass: result.received === result.sent,
    note: `${result.received}/${result.sent}; exporter dropped ${result.export.logs.dropped}, failed ${result.export.logs.failed}`,
  },
];
// load.bench.ts wrote the server's other figures first; keep them.
const file = join(packageDir, ".bench", "results.json");
const earlier = existsSync(file)
  ? ((JSON.parse(readFileSync(file, "utf8")) as { rows: BenchRow[] }).rows ?? []).filter(
      (row) => !row.name.startsWith("otlp "),
    )
  : [];
writeBenchResults(packageDir, "server", [...earlier, ...rows]);
