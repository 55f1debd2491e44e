import { appendFile, copyFile, readdir, rename, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InMemoryPositionStore, type PositionStore } from "@agentwatch/models";
import { PositionTracker } from "@agentwatch/position-store";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IncrementalLogReader } from "../src/index.js";
import { FakeClock, T0, makeReader, makeTempDir, removeDir, setMtime } from "./helpers.js";

// Model-based tests: random writers, rotations and reader restarts against the real reader on real
// files. The model keeps the bytes of every file generation; what the reader delivers is compared
// with the lines those bytes hold.

const FLUSH_MS = 1000;

type Op =
  | { kind: "append"; text: string; hold: number }
  | { kind: "read" }
  | { kind: "readNoCommit" }
  | { kind: "restart" }
  | { kind: "rotate" }
  | { kind: "compress" }
  | { kind: "copytruncate" }
  | { kind: "truncate"; keepLines: number };

const pieces = ["a", "b", "Z", "é", "世", "🚀", " ", "\n", "\n", "\r\n", "\r", "ok\n", "line\n"];
const appendOp = fc.record({
  kind: fc.constant("append" as const),
  text: fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join("")),
  hold: fc.nat({ max: 6 }), // bytes kept back: writes end mid-line and mid-character
});
const simple = <K extends Op["kind"]>(kind: K) => fc.constant({ kind } as Extract<Op, { kind: K }>);
const losslessOps = fc.oneof(
  { arbitrary: appendOp, weight: 6 },
  { arbitrary: simple("read"), weight: 3 },
  { arbitrary: simple("readNoCommit"), weight: 1 },
  { arbitrary: simple("restart"), weight: 1 },
  { arbitrary: simple("rotate"), weight: 1 },
  { arbitrary: simple("compress"), weight: 1 },
);
const allOps = fc.oneof(
  { arbitrary: losslessOps, weight: 8 },
  { arbitrary: simple("copytruncate"), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant("truncate" as const), keepLines: fc.nat({ max: 3 }) }),
    weight: 1,
  },
);

/** The lines bytes hold, as the reader defines them (the unterminated tail counts once quiet). */
function linesOf(bytes: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    if (newline === -1 && end === start) break;
    const stop = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    lines.push(bytes.toString("utf8", start, stop));
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

interface World {
  dir: string;
  log: string;
  clock: FakeClock;
  store: PositionStore;
  reader: IncrementalLogReader;
  /** A new reader, over the same store reopened from disk when it is a PositionTracker. */
  restart: () => Promise<void>;
  /** Bytes of the file now at the log path. */
  current: Buffer;
  /** Bytes the writer has produced but not written yet. */
  carry: Buffer;
  /** Earlier generations (renamed away), oldest first. */
  generations: Buffer[];
  /** Every content whose lines are real (copies, contents before a truncation). */
  snapshots: Buffer[];
  delivered: string[];
}

async function writeOut(world: World, bytes: Buffer): Promise<void> {
  if (bytes.length === 0) return;
  await appendFile(world.log, bytes);
  await setMtime(world.log, world.clock.now);
  world.current = Buffer.concat([world.current, bytes]);
}

async function readCommitted(world: World): Promise<{ lines: number; hasMore: boolean }> {
  const result = await world.reader.read("agent", world.log);
  expect(result.error).toBeNull();
  expect(result.bytesBehind).toBeGreaterThanOrEqual(0);
  await result.commit();
  world.delivered.push(...result.lines);
  const saved = world.store.getPosition("agent", "tmux_output");
  if (saved !== undefined) expect(saved.last_line_number).toBe(result.totalLines);
  return { lines: result.lines.length, hasMore: result.hasMore };
}

async function numberedSiblings(world: World): Promise<number[]> {
  return (await readdir(world.dir))
    .map((name) => /^app\.log\.(\d+)$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
}

async function shiftSiblings(world: World): Promise<void> {
  for (const n of await numberedSiblings(world))
    await rename(`${world.log}.${n}`, `${world.log}.${n + 1}`);
}

/** Reads until the position is on the file now at the path, so one more rotation loses nothing. */
async function catchUp(world: World): Promise<void> {
  for (let guard = 0; guard < 10_000; guard++) {
    const saved = world.store.getPosition("agent", "tmux_output");
    const inode = (await stat(world.log, { bigint: true })).ino.toString();
    if (saved === undefined ? world.current.length === 0 : saved.inode === inode) return;
    await readCommitted(world);
  }
  throw new Error("the reader made no progress towards the current file");
}

async function apply(world: World, op: Op, lossless: boolean): Promise<void> {
  switch (op.kind) {
    case "append": {
      const bytes = Buffer.concat([world.carry, Buffer.from(op.text)]);
      const cut = Math.max(0, bytes.length - op.hold);
      world.carry = bytes.subarray(cut);
      await writeOut(world, bytes.subarray(0, cut));
      return;
    }
    case "read":
      await readCommitted(world);
      return;
    case "readNoCommit":
      await world.reader.read("agent", world.log); // a consumer that crashed before committing
      return;
    case "restart":
      await world.restart();
      return;
    case "rotate": {
      await writeOut(world, world.carry);
      world.carry = Buffer.alloc(0);
      world.clock.advance(FLUSH_MS + 1); // the old file's last line is final now
      if (lossless) await catchUp(world);
      await shiftSiblings(world);
      await rename(world.log, `${world.log}.1`);
      await writeFile(world.log, "");
      await setMtime(world.log, world.clock.now);
      world.generations.push(world.current);
      world.current = Buffer.alloc(0);
      return;
    }
    case "compress": {
      const oldest = (await numberedSiblings(world))[0];
      if (oldest !== undefined && oldest >= 2)
        await rename(`${world.log}.${oldest}`, `${world.log}.${oldest}.gz`);
      return;
    }
    case "copytruncate": {
      const lastWrite = (await stat(world.log)).mtimeMs;
      world.clock.advance(FLUSH_MS + 1);
      await shiftSiblings(world);
      await copyFile(world.log, `${world.log}.1`);
      await setMtime(`${world.log}.1`, lastWrite);
      await truncate(world.log, 0);
      await setMtime(world.log, world.clock.now);
      world.snapshots.push(world.current);
      world.current = Buffer.alloc(0);
      return;
    }
    case "truncate": {
      let keep = 0;
      for (let i = 0; i < op.keepLines; i++) {
        const newline = world.current.indexOf(0x0a, keep);
        if (newline === -1) break;
        keep = newline + 1;
      }
      world.snapshots.push(world.current);
      await truncate(world.log, keep);
      await setMtime(world.log, world.clock.now);
      world.current = world.current.subarray(0, keep);
      return;
    }
  }
}

/** Where positions live during a run: in memory, or in a real PositionTracker reopened on restart. */
type StoreKind = "memory" | "tracker";

async function runModel(
  ops: Op[],
  settings: { maxLinesPerRead: number; fingerprintBytes: number },
  lossless: boolean,
  storeKind: StoreKind = "memory",
): Promise<World> {
  const dir = await makeTempDir("log-reader-model-");
  const clock = new FakeClock(T0);
  const stateDir = join(dir, "state");
  const openStore = async (): Promise<PositionStore> =>
    storeKind === "tracker" ? PositionTracker.open(stateDir) : new InMemoryPositionStore();
  const build = (store: PositionStore) =>
    makeReader(store, clock, { ...settings, partialLineFlushMs: FLUSH_MS });
  const log = join(dir, "app.log");
  await writeFile(log, "");
  await setMtime(log, clock.now);
  const store = await openStore();
  const world: World = {
    dir,
    log,
    clock,
    store,
    reader: build(store),
    restart: async () => {
      if (world.store instanceof PositionTracker) {
        await world.store.close();
        world.store = await openStore();
      }
      world.reader = build(world.store);
    },
    current: Buffer.alloc(0),
    carry: Buffer.alloc(0),
    generations: [],
    snapshots: [],
    delivered: [],
  };
  try {
    for (const op of ops) await apply(world, op, lossless);
    await writeOut(world, world.carry);
    world.carry = Buffer.alloc(0);
    clock.advance(FLUSH_MS + 1); // the writer stops: every last line is final
    for (let guard = 0; guard < 10_000; guard++) {
      const { lines, hasMore } = await readCommitted(world);
      if (lines === 0 && !hasMore) break;
    }
    return world;
  } finally {
    if (world.store instanceof PositionTracker) await world.store.close();
    await removeDir(dir);
  }
}

const settings = fc.record({
  maxLinesPerRead: fc.integer({ min: 1, max: 5 }),
  fingerprintBytes: fc.constantFrom(1, 4, 16, 1024),
});

describe("model: random writers, rotations and restarts", () => {
  it("with appends, rename rotations and restarts, delivers exactly the written lines, in order, once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(losslessOps, { maxLength: 40 }), settings, async (ops, options) => {
        const world = await runModel(ops, options, true);
        const written = [...world.generations, world.current].flatMap(linesOf);
        expect(world.delivered).toEqual(written);
      }),
      { numRuns: 300 },
    );
  });

  it("the same holds with the durable PositionTracker reopened from disk at each restart", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(losslessOps, { maxLength: 25 }), settings, async (ops, options) => {
        const world = await runModel(ops, options, true, "tracker");
        const written = [...world.generations, world.current].flatMap(linesOf);
        expect(world.delivered).toEqual(written);
      }),
      { numRuns: 60 },
    );
  });

  it("with copytruncate and truncations as well, no delivered line is damaged or invented", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(allOps, { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        async (ops, maxLinesPerRead) => {
          const world = await runModel(
            ops,
            { maxLinesPerRead, fingerprintBytes: 64 * 1024 },
            false,
          );
          const real = new Set(
            [...world.generations, ...world.snapshots, world.current].flatMap(linesOf),
          );
          for (const line of world.delivered)
            expect(real.has(line), `invented or damaged: ${JSON.stringify(line)}`).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
