// Benchmark of @agentwatch/log-reader, as issue 4 asks:
//   pnpm bench            full size (run by the lead on a quiet machine)
//   pnpm bench -- --quick small sizes, to check that the script works
import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { mkdir, mkdtemp, open, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  type BenchRow,
  median,
  timeAsync,
  timeSync,
  writeBenchResults,
} from "@agentwatch/bench-kit";
import { InMemoryPositionStore, type PositionStore } from "@agentwatch/models";
import { PositionTracker } from "@agentwatch/position-store";
import { IncrementalLogReader } from "../src/index.js";

const quick = process.argv.includes("--quick");
const MiB = 1024 * 1024;
const sizes = quick
  ? { backlogMiB: 16, runs: 5, idleCounts: [100, 1_000], idleRuns: 3, lastFileBytes: 128 * MiB }
  : {
      backlogMiB: 256,
      runs: 9,
      idleCounts: [1_000, 10_000],
      idleRuns: 7,
      lastFileBytes: 1024 * MiB,
    };
const MAX_LINES = 10_000;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A block of 10,000 distinct 100-byte lines (99 characters and `\n`). */
function lineBlock(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const head = `${new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()} agent-7 tool=Bash step ${i} `;
    lines.push(`${head}${"x".repeat(99 - head.length)}\n`);
  }
  return Buffer.from(lines.join(""));
}

/** Writes at least `mib` MiB of 100-byte lines; returns the line count. */
async function writeBacklog(path: string, mib: number): Promise<number> {
  const block = lineBlock();
  const blocks = Math.ceil((mib * MiB) / block.length);
  const fh = await open(path, "w");
  for (let i = 0; i < blocks; i++) await fh.write(block);
  await fh.close();
  return blocks * 10_000;
}

function baseline(path: string): number {
  const fd = openSync(path, "r");
  const buf = Buffer.allocUnsafe(MiB);
  let carry: Buffer | null = null;
  let batch: string[] = [];
  let count = 0;
  for (;;) {
    const got = readSync(fd, buf, 0, MiB, null);
    if (got === 0) break;
    let from = 0;
    for (let nl = buf.indexOf(10, 0); nl !== -1 && nl < got; nl = buf.indexOf(10, from)) {
      if (carry === null) {
        batch.push(buf.toString("utf8", from, nl));
      } else {
        batch.push(Buffer.concat([carry, buf.subarray(from, nl)]).toString("utf8"));
        carry = null;
      }
      from = nl + 1;
      if (batch.length === MAX_LINES) {
        count += batch.length;
        batch = [];
      }
    }
    if (from < got) carry = Buffer.from(buf.subarray(from, got));
  }
  closeSync(fd);
  return count + batch.length;
}

async function readlineCount(path: string): Promise<number> {
  const rl = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let batch: string[] = [];
  let count = 0;
  for await (const line of rl) {
    batch.push(line);
    if (batch.length === MAX_LINES) {
      count += batch.length;
      batch = [];
    }
  }
  return count + batch.length;
}

async function readerCount(store: PositionStore, path: string): Promise<number> {
  const reader = new IncrementalLogReader({ positionTracker: store, maxLinesPerRead: MAX_LINES });
  let count = 0;
  for (;;) {
    const result = await reader.readNewContent("bench", path);
    if (result.error !== null) throw new Error(result.error.message);
    count += result.lines.length;
    if (result.lines.length === 0 && !result.hasMore) return count;
  }
}

async function throughput(work: string, rows: BenchRow[]): Promise<void> {
  const path = join(work, "backlog.log");
  const expected = await writeBacklog(path, sizes.backlogMiB);
  const size = (await stat(path)).size;
  const rates: Record<"baseline" | "readline" | "memory" | "tracker", number[]> = {
    baseline: [],
    readline: [],
    memory: [],
    tracker: [],
  };
  const check = (name: string, count: number): void => {
    if (count !== expected) throw new Error(`${name} read ${count} lines, expected ${expected}`);
  };
  // warm the page cache and the JIT: one untimed pass of each
  baseline(path);
  await readlineCount(path);
  await readerCount(new InMemoryPositionStore(), path);
  for (let run = 0; run < sizes.runs; run++) {
    let count = 0;
    rates.baseline.push(
      expected / (timeSync(() => (count = baseline(path)), { runs: 1, warmup: 0 }).medianMs / 1000),
    );
    check("baseline", count);
    rates.readline.push(
      expected /
        ((await timeAsync(async () => (count = await readlineCount(path)), { runs: 1, warmup: 0 }))
          .medianMs /
          1000),
    );
    check("readline", count);
    rates.memory.push(
      expected /
        ((
          await timeAsync(
            async () => (count = await readerCount(new InMemoryPositionStore(), path)),
            { runs: 1, warmup: 0 },
          )
        ).medianMs /
          1000),
    );
    check("reader + InMemoryPositionStore", count);
    const stateDir = join(work, `state-${run}`);
    const tracker = await PositionTracker.open(stateDir);
    rates.tracker.push(
      expected /
        ((
          await timeAsync(async () => (count = await readerCount(tracker, path)), {
            runs: 1,
            warmup: 0,
          })
        ).medianMs /
          1000),
    );
    check("reader + PositionTracker", count);
    const writes = tracker.stats.writes;
    await tracker.close();
    await rm(stateDir, { recursive: true, force: true });
    if (writes < Math.ceil(expected / MAX_LINES))
      throw new Error(`the tracker made only ${writes} writes`);
  }
  const m = {
    baseline: median(rates.baseline),
    readline: median(rates.readline),
    memory: median(rates.memory),
    tracker: median(rates.tracker),
  };
  const note = `${(size / MiB).toFixed(0)} MiB, ${expected.toLocaleString("en-US")} lines of 100 bytes, maxLinesPerRead ${MAX_LINES}, median of ${sizes.runs}`;
  // Each run times all four side by side, so a ratio is taken within each run (the machine's
  // speed drifts between runs, less within one) and the median of the runs' ratios is reported.
  const ratio = (
    name: string,
    of: keyof typeof rates,
    to: keyof typeof rates,
    target: number,
  ): BenchRow => {
    const perRun = rates[of].map((rate, run) => rate / rates[to][run]!);
    const value = median(perRun);
    return {
      name,
      value,
      unit: "x",
      target: `>= ${target}x`,
      pass: value >= target,
      note: `median of ${sizes.runs} per-run ratios, ${Math.min(...perRun).toFixed(2)}-${Math.max(...perRun).toFixed(2)}`,
    };
  };
  rows.push(
    {
      name: "baseline: 1 MiB readSync + indexOf + toString",
      value: m.baseline,
      unit: "lines/s",
      note,
    },
    { name: "readline over createReadStream", value: m.readline, unit: "lines/s" },
    { name: "reader + InMemoryPositionStore (read path)", value: m.memory, unit: "lines/s" },
    {
      name: "reader + PositionTracker (durable commit per call)",
      value: m.tracker,
      unit: "lines/s",
    },
    ratio("read path / baseline", "memory", "baseline", 0.75),
    ratio("with tracker / baseline", "tracker", "baseline", 0.5),
    ratio("with tracker / readline", "tracker", "readline", 2),
    {
      name: "time a durable commit adds to a call",
      value: median(
        rates.tracker.map((rate, run) => 1000 * MAX_LINES * (1 / rate - 1 / rates.memory[run]!)),
      ),
      unit: "ms",
      note: `per call of ${MAX_LINES.toLocaleString("en-US")} lines, median over the runs; the write overlaps decoding`,
    },
  );
  await rm(path);
}

/** The median latency of one durable `PositionTracker.updatePosition`: the floor of a committed read. */
async function commitLatency(work: string, rows: BenchRow[]): Promise<void> {
  const stateDir = join(work, "latency-state");
  const tracker = await PositionTracker.open(stateDir);
  let offset = 0;
  const timing = await timeAsync(
    () =>
      tracker.updatePosition({
        instance_id: "bench",
        log_type: "tmux_output",
        file_path: join(work, "backlog.log"),
        last_byte_offset: (offset += 100),
        last_line_number: offset / 100,
        last_read_timestamp: new Date().toISOString(),
        checksum: "d41d8cd98f00b204e9800998ecf8427e",
        device: "1",
        inode: "2",
      }),
    { runs: 51, warmup: 3 },
  );
  await tracker.close();
  await rm(stateDir, { recursive: true, force: true });
  rows.push({
    name: "PositionTracker.updatePosition (durable)",
    value: timing.medianMs,
    unit: "ms",
    note: "median of 51; paid once per committed read of 10,000 lines",
  });
}

async function idlePoll(work: string, count: number, rows: BenchRow[]): Promise<void> {
  const dir = join(work, `idle-${count}`);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const agentDir = join(dir, "instances", `agent-${i}`);
    await mkdir(agentDir, { recursive: true });
    const path = join(agentDir, "tmux_output.log");
    await writeFile(path, `agent ${i} started\nworking\n`);
    paths.push(path);
  }
  // Read every file once and store the positions in one batch, as a monitor's first cycle would.
  const memory = new InMemoryPositionStore();
  const seeding = new IncrementalLogReader({ positionTracker: memory });
  for (const [i, path] of paths.entries()) await seeding.readNewContent(`agent-${i}`, path);
  const stateDir = join(dir, "state");
  const tracker = await PositionTracker.open(stateDir);
  await tracker.updatePositions(memory.getAllPositions());
  const stateFile = join(stateDir, "monitor_positions.json");
  const before = { writes: tracker.stats.writes, mtime: (await stat(stateFile)).mtimeMs };

  const reader = new IncrementalLogReader({ positionTracker: tracker });
  const poll = async (): Promise<void> => {
    for (const [i, path] of paths.entries()) {
      const result = await reader.readNewContent(`agent-${i}`, path);
      if (result.lines.length !== 0 || result.error !== null)
        throw new Error(`poll of ${path} was not idle`);
    }
  };
  const statLoop = async (): Promise<void> => {
    for (const path of paths) await stat(path);
  };
  // a fresh reader checks each file once through a handle; later polls are one stat each
  for (let warm = 0; warm < 3; warm++) await poll();
  const pollTimes: number[] = [];
  const statTimes: number[] = [];
  for (let run = 0; run < sizes.idleRuns; run++) {
    statTimes.push((await timeAsync(statLoop, { runs: 1, warmup: 0 })).medianMs);
    pollTimes.push((await timeAsync(poll, { runs: 1, warmup: 0 })).medianMs);
  }
  const after = { writes: tracker.stats.writes, mtime: (await stat(stateFile)).mtimeMs };
  await tracker.close();
  const stateWrites = after.writes - before.writes + (after.mtime === before.mtime ? 0 : 1);
  const pollMs = median(pollTimes);
  const statMs = median(statTimes);
  const label = count.toLocaleString("en-US");
  rows.push(
    {
      name: `idle poll of ${label} files`,
      value: pollMs,
      unit: "ms",
      note: `median of ${sizes.idleRuns}, PositionTracker`,
    },
    { name: `fs.promises.stat loop over ${label} files`, value: statMs, unit: "ms" },
    {
      name: `idle poll / stat loop (${label})`,
      value: pollMs / statMs,
      unit: "x",
      target: "<= 3x",
      pass: pollMs / statMs <= 3,
    },
    {
      name: `state writes during idle polls (${label})`,
      value: stateWrites,
      unit: "writes",
      target: "0",
      pass: stateWrites === 0,
    },
  );
  await rm(dir, { recursive: true, force: true });
}

async function lastLines(work: string, rows: BenchRow[]): Promise<void> {
  const path = join(work, "huge.log");
  const block = lineBlock();
  // A sparse file of the full size whose last MiB is real lines: sized instantly, no disk used.
  const fh = await open(path, "w");
  await fh.truncate(sizes.lastFileBytes - block.length);
  await fh.write(block, 0, block.length, sizes.lastFileBytes - block.length);
  await fh.close();
  const reader = new IncrementalLogReader({ positionTracker: new InMemoryPositionStore() });
  let lines: string[] = [];
  const timing = await timeAsync(async () => (lines = await reader.readLastNLines(path, 100)), {
    runs: 21,
    warmup: 3,
  });
  if (lines.length !== 100) throw new Error(`readLastNLines returned ${lines.length} lines`);
  rows.push({
    name: `readLastNLines(100) on a ${(sizes.lastFileBytes / MiB).toFixed(0)} MiB file`,
    value: timing.medianMs,
    unit: "ms",
    target: "< 5 ms",
    pass: timing.medianMs < 5,
    note: "median of 21; sparse file, last MiB of 100-byte lines",
  });
  await rm(path);
}

const work = await mkdtemp(join(tmpdir(), "log-reader-bench-"));
try {
  const rows: BenchRow[] = [];
  await throughput(work, rows);
  await commitLatency(work, rows);
  for (const count of sizes.idleCounts) await idlePoll(work, count, rows);
  await lastLines(work, rows);
  writeBenchResults(
    packageDir,
    "log-reader",
    quick ? rows.map((row) => ({ ...row, note: `--quick; ${row.note ?? ""}` })) : rows,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
