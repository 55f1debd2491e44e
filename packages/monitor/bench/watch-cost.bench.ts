/**
 * What watching costs (issue 19): the CPU time of a monitoring process with 1,000 idle agents
 * (terminal logs in the original layout: one directory, so one watch, per agent) over 5 poll
 * intervals of the default 12 s, with `wakeOnWrite` on and off (the poll alone). The real parts
 * (reader, tracker, analyzeActivity, the offline SummaryGenerator, summary store, layout source),
 * real timers. Each run is its own process (`--child on|off`), measured from the end of its first
 * cycle (which reads every log once) to the end of its sixth; the count of inotify watches the
 * process holds is read from /proc to show the watching was real.
 *
 * `--quick`: 100 agents, 2 intervals. `--agents N` and `--intervals N` change one figure.
 * Its rows (named `watch …`) are added to the monitor's results (`.bench/results.json`).
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  watch as fsWatch,
  writeFileSync,
} from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { SCENARIOS, simulatedBytes } from "@agentwatch/agent-sim";
import { type BenchRow, median, writeBenchResults } from "@agentwatch/bench-kit";
import { DEFAULT_CONFIG, type MonitoringConfig } from "@agentwatch/config";
import { createMonitoringService } from "../src/index.js";

const quick = process.argv.includes("--quick");
/** `--name N` from the command line, else `fallback`. */
function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const AGENTS = flag("agents", quick ? 100 : 1_000);
const INTERVALS = flag("intervals", quick ? 2 : 5);
const POLL_SECONDS = DEFAULT_CONFIG.poll_interval_seconds;
const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** What one child process reports. */
interface ChildReport {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly cycleMs: number[];
  /** inotify watches held by the process during the measurement (NaN where /proc has none). */
  readonly watches: number;
  /** Watch events delivered over the whole run. */
  readonly events: number;
  readonly load: number;
}

/** inotify watches this process holds, from /proc/self/fdinfo (Linux); NaN elsewhere. */
function inotifyWatches(): number {
  try {
    let count = 0;
    for (const fd of readdirSync("/proc/self/fd")) {
      let target: string;
      try {
        target = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      if (!target.includes("inotify")) continue;
      const info = readFileSync(`/proc/self/fdinfo/${fd}`, "utf8");
      count += info.split("\n").filter((line) => line.startsWith("inotify wd:")).length;
    }
    return count;
  } catch {
    return Number.NaN;
  }
}

/** The fleet: AGENTS agents in the original layout, each log a few hundred lines, never written again. */
function makeFleet(logDir: string): void {
  for (let i = 0; i < AGENTS; i++) {
    const dir = join(logDir, "instances", `agent-${String(i).padStart(5, "0")}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "metadata.json"),
      JSON.stringify({
        instance_name: `worker ${i}`,
        role: "backend_developer",
        assigned_task: "Implement JWT authentication for the login route",
      }),
    );
    const bytes = simulatedBytes({ seed: i, scenario: SCENARIOS[i % SCENARIOS.length]! }, 40);
    writeFileSync(join(dir, "tmux_output.log"), bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1));
  }
}

/** One run in this process: a fresh service over the fleet, measured over INTERVALS intervals. */
async function child(root: string, wakeOnWrite: boolean): Promise<ChildReport> {
  const stateRoot = join(root, wakeOnWrite ? "on" : "off");
  const config: MonitoringConfig = {
    ...DEFAULT_CONFIG,
    log_dir: join(root, "logs"),
    state_dir: join(stateRoot, "state"),
    summary_dir: join(stateRoot, "summaries"),
  };
  let events = 0;
  const service = await createMonitoringService(config, {
    wakeOnWrite,
    // fs.watch as the service's default, counting the events it delivers (none, for idle logs)
    watch: (path, listener) =>
      fsWatch(path, { persistent: false }, (event, filename) => {
        events++;
        listener(event, filename);
      }),
  });
  const cycleMs: number[] = [];
  const loads: number[] = [];
  let start: { cpu: NodeJS.CpuUsage; wall: number } | undefined;
  let watches = Number.NaN;
  const done = new Promise<ChildReport>((resolve) => {
    service.on("cycle", (stats) => {
      cycleMs.push(stats.duration_ms);
      loads.push(loadavg()[0]!);
      if (cycleMs.length === 1) {
        watches = inotifyWatches();
        start = { cpu: process.cpuUsage(), wall: performance.now() };
      } else if (cycleMs.length === 1 + INTERVALS && start !== undefined) {
        const used = process.cpuUsage(start.cpu);
        resolve({
          cpuMs: (used.user + used.system) / 1000,
          wallMs: performance.now() - start.wall,
          cycleMs: cycleMs.slice(1),
          watches,
          events,
          load: median(loads.slice(1)),
        });
      }
    });
  });
  service.start();
  const report = await done;
  await service.stop();
  return report;
}

function runChild(root: string, mode: "on" | "off"): Promise<ChildReport> {
  const script = fileURLToPath(import.meta.url);
  const run = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@agentwatch/source",
      script,
      "--child",
      mode,
      "--root",
      root,
      ...process.argv.slice(2),
    ],
    { cwd: packageDir, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  run.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    run.once("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out.trim()) as ChildReport);
      else reject(new Error(`the ${mode} run exited with ${code}: ${out}`));
    });
  });
}

if (process.argv.includes("--child")) {
  const mode = process.argv[process.argv.indexOf("--child") + 1];
  const root = process.argv[process.argv.indexOf("--root") + 1]!;
  const report = await child(root, mode === "on");
  process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
} else {
  const root = await mkdtemp(join(tmpdir(), "agentwatch-watch-cost-"));
  try {
    makeFleet(join(root, "logs"));
    console.log(
      `watch cost: ${AGENTS} idle agents, ${INTERVALS} intervals of ${POLL_SECONDS} s, poll only then wakeOnWrite…`,
    );
    const off = await runChild(root, "off");
    const on = await runChild(root, "on");
    const perMinute = (r: ChildReport) => (r.cpuMs / 1000 / r.wallMs) * 60_000;
    const offRate = perMinute(off);
    const onRate = perMinute(on);
    const extra = onRate - offRate;
    const agents = AGENTS.toLocaleString("en-US");
    const rows: BenchRow[] = [
      {
        name: `watch ${agents} idle agents, poll only: CPU`,
        value: offRate,
        unit: "CPU-s/min",
        note: `${(off.wallMs / 1000).toFixed(0)} s, ${off.cycleMs.length} cycles of median ${median(off.cycleMs).toFixed(0)} ms; ${off.watches} inotify watches; load ${off.load.toFixed(1)}`,
      },
      {
        name: `watch ${agents} idle agents, wakeOnWrite: CPU`,
        value: onRate,
        unit: "CPU-s/min",
        note: `${(on.wallMs / 1000).toFixed(0)} s, ${on.cycleMs.length} cycles of median ${median(on.cycleMs).toFixed(0)} ms; ${on.watches} inotify watches, ${on.events} events; load ${on.load.toFixed(1)}`,
      },
      {
        name: "watch extra CPU of watching (wakeOnWrite − poll only)",
        value: extra,
        unit: "CPU-s/min",
        target: "<= the poll's",
        pass: quick ? undefined : extra <= offRate,
        note: "idle logs give no watch events: what differs is noise (other processes) and the watch bookkeeping",
      },
      {
        name: "watch ratio wakeOnWrite / poll only",
        value: onRate / offRate,
        unit: "x",
        target: "<= 2x",
        pass: quick ? undefined : onRate / offRate <= 2,
      },
    ];
    const file = join(packageDir, ".bench", "results.json");
    const earlier = existsSync(file)
      ? ((JSON.parse(readFileSync(file, "utf8")) as { rows: BenchRow[] }).rows ?? []).filter(
          (row) => !row.name.startsWith("watch "),
        )
      : [];
    writeBenchResults(packageDir, "monitor", [
      ...earlier,
      ...(quick
        ? rows.map((row) => ({ ...row, note: row.note ? `quick run; ${row.note}` : "quick run" }))
        : rows),
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
