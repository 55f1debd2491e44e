// Benchmark of PositionTracker on real files: sequential durable updates, group commit of 1,000
// concurrent updates, and load time of a large state file. `--quick` uses small sizes.
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BenchRow, median, timeAsync, writeBenchResults } from "@agentwatch/bench-kit";
import type { LogPosition } from "@agentwatch/models";
import { PositionTracker } from "../src/index.js";
import { serializeState } from "../src/state-format.js";

const quick = process.argv.includes("--quick");
const SEQUENTIAL = quick ? 50 : 1000;
const CONCURRENT = quick ? 200 : 1000;
const LOADED = quick ? 1000 : 10_000;
const RUNS = quick ? 3 : 7;
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));

function position(i: number, offset = i): LogPosition {
  return {
    instance_id: `agent-${i}`,
    log_type: "tmux_output",
    file_path: `/tmp/madrox_logs/instances/agent-${i}/tmux_output.log`,
    last_byte_offset: offset,
    last_line_number: offset,
    last_read_timestamp: "2025-01-15T10:30:00.123456",
    checksum: "d41d8cd98f00b204e9800998ecf8427e",
    device: "2049",
    inode: String(100_000 + i),
  };
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "position-store-bench-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rows: BenchRow[] = [];

// 1. Sequential updates, each awaited: one durable write per update (100 positions stored).
const sequentialRates: number[] = [];
for (let run = 0; run < RUNS; run++) {
  await withDir(async (dir) => {
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePositions(Array.from({ length: 100 }, (_, i) => position(i)));
    const start = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) await tracker.updatePosition(position(i % 100, 1000 + i));
    sequentialRates.push(SEQUENTIAL / ((performance.now() - start) / 1000));
    await tracker.close();
  });
}
const rate = median(sequentialRates);
rows.push({
  name: `sequential updatePosition (awaited, 100 stored, ${SEQUENTIAL} updates)`,
  value: rate,
  unit: "ops/s",
  target: ">= 10 ops/s (seed: < 100 ms per persist)",
  pass: rate >= 10,
  note: `${(1000 / rate).toFixed(2)} ms per durable update`,
});

// 2. Concurrent updates: time until all resolved, and how many file writes they cost.
const concurrentTimes: number[] = [];
const concurrentWrites: number[] = [];
for (let run = 0; run < RUNS; run++) {
  await withDir(async (dir) => {
    const tracker = await PositionTracker.open(dir);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => tracker.updatePosition(position(i))),
    );
    concurrentTimes.push(performance.now() - start);
    concurrentWrites.push(tracker.stats.writes);
    await tracker.close();
  });
}
const writes = median(concurrentWrites);
rows.push({
  name: `${CONCURRENT} concurrent updatePosition, until all resolved`,
  value: median(concurrentTimes),
  unit: "ms",
});
rows.push({
  name: `${CONCURRENT} concurrent updatePosition, file writes`,
  value: writes,
  unit: "writes",
  target: "a handful (<= 5)",
  pass: writes <= 5,
  note: `max ${Math.max(...concurrentWrites)} over ${RUNS} runs`,
});

// 3. Loading a large state file, and one update on top of it.
await withDir(async (dir) => {
  const text = serializeState(Array.from({ length: LOADED }, (_, i) => position(i)));
  await writeFile(join(dir, "monitor_positions.json"), text);
  const load = await timeAsync(
    async () => {
      const tracker = await PositionTracker.open(dir);
      await tracker.close();
    },
    { runs: RUNS, warmup: 1 },
  );
  rows.push({
    name: `open() of ${LOADED.toLocaleString("en-US")} positions`,
    value: load.medianMs,
    unit: "ms",
    note: `${(text.length / 1024 / 1024).toFixed(1)} MiB file`,
  });
  const tracker = await PositionTracker.open(dir);
  let offset = 1_000_000;
  const update = await timeAsync(() => tracker.updatePosition(position(0, offset++)), {
    runs: RUNS,
    warmup: 1,
  });
  rows.push({
    name: `one updatePosition with ${LOADED.toLocaleString("en-US")} positions stored`,
    value: update.medianMs,
    unit: "ms",
    note: "one journal record; the state file is not rewritten",
  });
  // What a monitor cycle over that many busy agents writes: its commits go 64 to a write.
  const batches = Math.ceil(LOADED / 64);
  const cycles: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    for (let b = 0; b < batches; b++) {
      await tracker.updatePositions(
        Array.from({ length: 64 }, (_, k) => position((b * 64 + k) % LOADED, offset++)),
      );
    }
    cycles.push(performance.now() - start);
  }
  rows.push({
    name: `${batches} writes of 64 updates with ${LOADED.toLocaleString("en-US")} positions stored`,
    value: median(cycles),
    unit: "ms",
    note: "one monitor cycle over that many busy agents",
  });
  // Folding the journal into the state file: paid after each idle second and per 4 MiB of journal.
  const compactions: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await tracker.updatePosition(position(1, offset++));
    const start = performance.now();
    await tracker.compact();
    compactions.push(performance.now() - start);
  }
  rows.push({
    name: `compact() with ${LOADED.toLocaleString("en-US")} positions stored`,
    value: median(compactions),
    unit: "ms",
    note: "rewrite of monitor_positions.json and a new journal, under the lock",
  });
  // Opening with a full journal: every record replayed on top of the state file.
  const records = quick ? 500 : 4000;
  for (let i = 0; i < records; i++) await tracker.updatePosition(position(i % LOADED, offset++));
  const journalBytes = (await stat(join(dir, "monitor_positions.json.journal"))).size;
  const reopen = await timeAsync(
    async () => {
      const reopened = await PositionTracker.open(dir, { compactAfterIdleMs: 60_000 });
      // Do not let close() fold the journal in: measure the same journal every run.
      void reopened;
    },
    { runs: RUNS, warmup: 1 },
  );
  rows.push({
    name: `open() of ${LOADED.toLocaleString("en-US")} positions + ${records.toLocaleString("en-US")} journal records`,
    value: reopen.medianMs,
    unit: "ms",
    note: `${(journalBytes / 1024 / 1024).toFixed(1)} MiB journal`,
  });
  await tracker.close();
});

writeBenchResults(packageDir, "position-store", rows);
