/**
 * Benchmark of the tmux source with a real tmux server on a private socket and 50 agent panes:
 * - the cost of one cycle's pane listing: `inspect()` (list-panes, the process table, recognition)
 *   and `list()` once every pane is captured (it also checks each capture);
 * - the time from a permission prompt printed in a pane to the agent's `state_change` to
 *   waiting_permission, with the real monitoring service polling every 2 s (median, p95): the
 *   prompts are spread over the cycle, so this measures what a person sees with that interval.
 *
 * `--quick` runs 10 panes.
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type BenchRow, median, percentile, writeBenchResults } from "@agentwatch/bench-kit";
import { DEFAULT_CONFIG } from "@agentwatch/config";
import { createMonitoringService } from "@agentwatch/monitor";
import { CLAUDE_PROMPT } from "@agentwatch/test-kit";
import { tmuxSource } from "../src/index.js";

const run = promisify(execFile);
const quick = process.argv.includes("--quick");
const PANES = quick ? 10 : 50;
const POLL_SECONDS = 2;
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const socket = `agentwatch-bench-${process.pid}`;
const env = { ...process.env };
delete env.TMUX;
const tmux = (...args: string[]) =>
  run("tmux", ["-L", socket, "-f", "/dev/null", ...args], { env }).then((r) => r.stdout);

/** The permission dialog, from its tool call on (the fake agent prints it on a line of input). */
const PROMPT = CLAUDE_PROMPT.slice(CLAUDE_PROMPT.findIndex((line) => line.startsWith("⏺")));

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "agentwatch-tmux-bench-"));
  const bin = join(root, "bin");
  await mkdir(bin);
  // A fake Claude Code: works, then on a line of input asks for permission.
  const script = [
    "#!/bin/sh",
    "printf '%s\\n' '> Reinstall the dependencies' '⏺ Read(package.json)' '  ⎿  Read 40 lines'",
    "read -r go",
    ...PROMPT.map((line) => `printf '%s\\n' '${line.replace(/'/g, `'\\''`)}'`),
    "read -r answer",
    "",
  ].join("\n");
  await writeFile(join(bin, "claude"), script);
  await chmod(join(bin, "claude"), 0o755);
  const rows: BenchRow[] = [];
  try {
    for (let i = 0; i < PANES; i++) {
      await tmux(
        "new-session",
        "-d",
        "-s",
        `agent-${i}`,
        "-x",
        "120",
        "-y",
        "40",
        `PATH='${bin}':"$PATH" claude`,
      );
    }
    const source = tmuxSource({
      server: { socketName: socket, env },
      captureDir: join(root, "state", "tmux"),
    });
    const context = { logger: { debug() {}, info() {}, warn() {}, error() {} }, report() {} };

    const inspect: number[] = [];
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      const panes = await source.inspect();
      inspect.push(performance.now() - start);
      if (panes.filter((p) => p.agent === "claude").length !== PANES)
        throw new Error("not every pane was recognised");
    }
    await source.list(context); // attaches every capture
    const list: number[] = [];
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      await source.list(context);
      list.push(performance.now() - start);
    }
    rows.push(
      {
        name: `inspect ${PANES} panes (list-panes, processes, recognition)`,
        value: median(inspect),
        unit: "ms",
        note: "median of 20",
      },
      {
        name: `list ${PANES} captured panes (one cycle's listing)`,
        value: median(list),
        unit: "ms",
        note: "median of 20",
      },
    );

    // Prompt → state_change, with the real service on a 2 s cycle.
    const service = await createMonitoringService(
      {
        ...DEFAULT_CONFIG,
        poll_interval_seconds: POLL_SECONDS,
        state_dir: join(root, "state"),
        summary_dir: join(root, "summaries"),
        agent_concurrency: 8,
      },
      { source },
    );
    const names = new Map((await source.inspect()).map((p) => [p.key, p.pane.session]));
    const printedAt = new Map<string, number>();
    const latencies: number[] = [];
    const done = new Promise<void>((resolve) => {
      service.on("state_change", (change) => {
        const session = names.get(change.instance_id);
        const at = session === undefined ? undefined : printedAt.get(session);
        if (at === undefined || change.current.activity_state !== "waiting_permission") return;
        latencies.push(performance.now() - at);
        printedAt.delete(session!);
        if (latencies.length === PANES) resolve();
      });
    });
    service.start();
    await new Promise((resolve) => setTimeout(resolve, POLL_SECONDS * 2000)); // settled: every pane read
    for (let i = 0; i < PANES; i++) {
      // Spread over several cycles, so every phase of the cycle is sampled.
      await new Promise((resolve) => setTimeout(resolve, (POLL_SECONDS * 1000 * 3) / PANES));
      printedAt.set(`agent-${i}`, performance.now());
      await tmux("send-keys", "-t", `agent-${i}`, "go", "Enter");
    }
    await Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`only ${latencies.length} of ${PANES} prompts seen`)),
          120_000,
        ),
      ),
    ]);
    await service.stop();
    await source.detach();
    rows.push(
      {
        name: `prompt printed → state_change (${PANES} panes, ${POLL_SECONDS} s cycle), median`,
        value: median(latencies) / 1000,
        unit: "s",
      },
      {
        name: `prompt printed → state_change (${PANES} panes, ${POLL_SECONDS} s cycle), p95`,
        value: percentile(latencies, 95) / 1000,
        unit: "s",
        note: "bounded by the cycle: a prompt waits for the next cycle's read",
      },
    );
  } finally {
    await tmux("kill-server").catch(() => {});
    await rm(root, { recursive: true, force: true });
  }
  writeBenchResults(
    packageDir,
    "tmux",
    quick ? rows.map((row) => ({ ...row, note: `quick run; ${row.note ?? ""}` })) : rows,
  );
}

await main();
