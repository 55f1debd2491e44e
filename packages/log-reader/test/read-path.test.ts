import { execFileSync } from "node:child_process";
import { open as openHandle, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type CountingStore,
  type FakeClock,
  makeReader,
  openFdsUnder,
  useLogFixture,
} from "./helpers.js";

let dir: string;
let log: string;
let store: CountingStore;
let clock: FakeClock;

useLogFixture({ content: "l1\nl2\nl3\nl4\nl5\n" }, (f) => ({ dir, log, store, clock } = f));

afterEach(() => {
  vi.restoreAllMocks();
});

/** Counts the fstat calls of file handles: one per file opened by a read. */
async function countFstats(): Promise<{ readonly count: number }> {
  const probe = await openHandle(log, "r");
  const proto = Object.getPrototypeOf(probe) as { stat: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const realStat = proto.stat;
  const counter = { count: 0 };
  vi.spyOn(proto, "stat").mockImplementation(function (this: unknown, ...args: unknown[]) {
    counter.count += 1;
    return realStat.apply(this, args);
  });
  return counter;
}

/** A reader with pages of two lines, after its first page (l1, l2): more lines are waiting. */
async function afterFirstPage() {
  const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
  const first = await reader.readNewContent("i", log);
  expect(first).toMatchObject({ lines: ["l1", "l2"], hasMore: true });
  return reader;
}

describe("reads after a page that left more lines waiting", () => {
  it("page on through the backlog, then an unchanged file is idle again and opens nothing", async () => {
    const reader = await afterFirstPage();
    const fstats = await countFstats();
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: ["l3", "l4"],
      hasMore: true,
    });
    expect(await reader.readNewContent("i", log)).toMatchObject({ lines: ["l5"], hasMore: false });
    expect(fstats.count).toBe(2);
    const writes = store.updates;
    for (let i = 0; i < 3; i++) {
      expect(await reader.readNewContent("i", log)).toMatchObject({ lines: [], error: null });
    }
    expect(fstats.count).toBe(2); // idle: a stat of the path, no open
    expect(store.updates).toBe(writes);
    expect(await openFdsUnder(dir)).toEqual([]);
  });

  it("a file removed meanwhile gives ENOENT and keeps the position", async () => {
    const reader = await afterFirstPage();
    const saved = store.getPosition("i", "tmux_output");
    await rm(log);
    const result = await reader.readNewContent("i", log);
    expect(result.error?.code).toBe("ENOENT");
    expect(result.error?.message).toContain(log);
    expect(result.lines).toEqual([]);
    expect(store.getPosition("i", "tmux_output")).toEqual(saved);
  });

  it("a FIFO put at the path gives NOT_REGULAR_FILE at once, a directory EISDIR", async () => {
    const reader = await afterFirstPage();
    await rm(log);
    execFileSync("mkfifo", [log]);
    expect((await reader.readNewContent("i", log)).error?.code).toBe("NOT_REGULAR_FILE");
    const other = await afterFirstPageOf(join(dir, "other.log"));
    await rm(join(dir, "other.log"));
    await mkdir(join(dir, "other.log"));
    expect((await other.readNewContent("j", join(dir, "other.log"))).error?.code).toBe("EISDIR");
    expect(await openFdsUnder(dir)).toEqual([]);
  });

  it("a socket put at the path gives NOT_REGULAR_FILE, as a stat of the path first would", async () => {
    const reader = await afterFirstPage();
    await rm(log);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(log, resolve));
    try {
      expect((await reader.readNewContent("i", log)).error?.code).toBe("NOT_REGULAR_FILE");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a rename rotation meanwhile is detected: the old file's rest comes first", async () => {
    const reader = await afterFirstPage();
    await rename(log, `${log}.1`);
    await writeFile(log, "n1\n");
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: ["l3", "l4"],
      hasMore: true,
    });
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: ["l5", "n1"],
      rotated: true,
    });
  });

  it("a file rewritten in place meanwhile is read again from its start", async () => {
    const reader = await afterFirstPage();
    await writeFile(log, "r1\nr2\nr3\nr4\nr5\nr6\n");
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: ["r1", "r2"],
      truncated: true,
    });
  });

  it("resetPosition starts again at byte 0", async () => {
    const reader = await afterFirstPage();
    expect(await reader.resetPosition("i")).toBe(true);
    expect((await reader.readNewContent("i", log)).lines).toEqual(["l1", "l2"]);
  });
});

async function afterFirstPageOf(path: string) {
  await writeFile(path, "a\nb\nc\n");
  const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
  expect((await reader.readNewContent("j", path)).hasMore).toBe(true);
  return reader;
}
