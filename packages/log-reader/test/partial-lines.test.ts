import { appendFile, rename } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { IncrementalLogReader, ReadResult } from "../src/index.js";
import {
  type CountingStore,
  type FakeClock,
  T0,
  appendAt,
  makeReader,
  writeAt,
  useLogFixture,
} from "./helpers.js";

let log: string;
let store: CountingStore;
let clock: FakeClock;

useLogFixture({}, (f) => ({ log, store, clock } = f));

describe("3. an unterminated last line is never split", () => {
  it("is held while the file is fresh: not returned, position before it, text in pendingPartial", async () => {
    await writeAt(log, "done\nwork in progr", T0);
    clock.now = T0 + 500;
    const reader = makeReader(store, clock);
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["done"]);
    expect(result.pendingPartial).toBe("work in progr");
    expect(result.bytesBehind).toBe(13); // the held partial counts
    expect(result.hasMore).toBe(false);
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(5);
  });

  it("completed by a later write, it comes back as one line", async () => {
    await writeAt(log, "work in progr", T0);
    clock.now = T0 + 10;
    const reader = makeReader(store, clock);
    expect((await reader.readNewContent("i", log)).pendingPartial).toBe("work in progr");
    await appendAt(log, "ess\nnext", T0 + 20);
    clock.now = T0 + 30;
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["work in progress"]);
    expect(result.pendingPartial).toBe("next");
  });

  it("is returned and committed once the file has been quiet for partialLineFlushMs, not a millisecond before", async () => {
    await writeAt(log, "a\nprompt$ ", T0);
    const reader = makeReader(store, clock, { partialLineFlushMs: 2000 });
    clock.now = T0 + 1999;
    const held = await reader.readNewContent("i", log);
    expect(held.lines).toEqual(["a"]);
    expect(held.pendingPartial).toBe("prompt$ ");
    clock.now = T0 + 2000;
    const flushed = await reader.readNewContent("i", log);
    expect(flushed.lines).toEqual(["prompt$ "]);
    expect(flushed.pendingPartial).toBeNull();
    expect(flushed.totalLines).toBe(2);
    expect(flushed.bytesBehind).toBe(0);
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(10);
  });

  it("with partialLineFlushMs 0 it is returned at once", async () => {
    await writeAt(log, "a\nb", T0);
    const result = await makeReader(store, clock, { partialLineFlushMs: 0 }).readNewContent(
      "i",
      log,
    );
    expect(result.lines).toEqual(["a", "b"]);
    expect(result.pendingPartial).toBeNull();
  });

  it("a read that only sees the same held partial writes no position", async () => {
    await writeAt(log, "a\nhalf", T0);
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    expect(store.updates).toBe(1);
    const again = await reader.readNewContent("i", log);
    expect(again.lines).toEqual([]);
    expect(again.pendingPartial).toBe("half");
    expect(store.updates).toBe(1);
  });

  it("a file holding only a fresh partial line saves no position", async () => {
    await writeAt(log, "half", T0);
    const result = await makeReader(store, clock).readNewContent("i", log);
    expect(result.pendingPartial).toBe("half");
    expect(store.updates).toBe(0);
    expect(store.getPosition("i", "tmux_output")).toBeUndefined();
  });

  it("the trailing \\r of a flushed partial line is removed like any line's", async () => {
    await writeAt(log, "50%\r", T0);
    clock.now = T0 + 5000;
    const result = await makeReader(store, clock).readNewContent("i", log);
    expect(result.lines).toEqual(["50%"]);
  });

  it("a partial line made of half a multi-byte character is held, never returned damaged", async () => {
    const emoji = Buffer.from("🚀");
    await writeAt(log, Buffer.concat([Buffer.from("ok\n"), emoji.subarray(0, 2)]), T0);
    const reader = makeReader(store, clock);
    expect((await reader.readNewContent("i", log)).lines).toEqual(["ok"]);
    await appendFile(log, Buffer.concat([emoji.subarray(2), Buffer.from("\n")]));
    expect((await reader.readNewContent("i", log)).lines).toEqual(["🚀"]);
  });
});

/** Reads as a consumer that stops once `hasMore` is false; the results it got, in order. */
async function readUntilDone(reader: IncrementalLogReader): Promise<ReadResult[]> {
  const results: ReadResult[] = [];
  for (let guard = 0; guard < 20; guard++) {
    const result = await reader.readNewContent("i", log);
    results.push(result);
    if (!result.hasMore) return results;
  }
  throw new Error("hasMore never became false");
}

const pages = (results: ReadResult[]) => results.map((r) => [r.lines, r.hasMore, r.pendingPartial]);

/**
 * A rename rotation after `reader` read "a0": the new file holds `fresh` (written at T0 + 100),
 * then a writer that still holds the renamed file open appends `late` to it (at T0 + 600). The
 * clock ends at T0 + 1100: the new file has been quiet for partialLineFlushMs, the renamed one not.
 */
async function rotateWithLateWrite(
  reader: IncrementalLogReader,
  fresh: string,
  late: string,
): Promise<void> {
  await writeAt(log, "a0\n", T0);
  clock.now = T0 + 10;
  expect((await reader.readNewContent("i", log)).lines).toEqual(["a0"]);
  await rename(log, `${log}.1`);
  await writeAt(log, fresh, T0 + 100);
  await appendAt(`${log}.1`, late, T0 + 600);
  clock.now = T0 + 1100;
}

describe("an unterminated last line due to be flushed is a line waiting", () => {
  it("after a full page, a quiet file's unterminated last line makes hasMore true and comes with the next read", async () => {
    await writeAt(log, "a\nb\nc", T0);
    const reader = makeReader(store, clock, { maxLinesPerRead: 1 });
    clock.now = T0 + 10; // fresh: "c" is held
    expect(await reader.readNewContent("i", log)).toMatchObject({ lines: ["a"], hasMore: true });
    clock.now = T0 + 1000; // quiet for partialLineFlushMs: "c" is due
    expect(pages(await readUntilDone(reader))).toEqual([
      [["b"], true, null],
      [["c"], false, null],
    ]);
    expect((await reader.readNewContent("i", log)).lines).toEqual([]);
  });

  it("after a rename rotation with maxLinesPerRead 1, the new file's due partial line is not held back by a later write to the renamed file", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 1 });
    // the renamed file's unterminated end is joined to the new file's first line
    await rotateWithLateWrite(reader, "b0\nb1", "late ");
    const results = await readUntilDone(reader);
    expect(pages(results)).toEqual([
      [["late b0"], true, null],
      [["b1"], false, null],
    ]);
    expect(results[0]!.rotated).toBe(true);
    expect((await reader.readNewContent("i", log)).lines).toEqual([]);
  });

  it("a partial line is flushed by the quiet time of the file it lies in, not of a renamed file read in the same call", async () => {
    const paged = makeReader(store, clock, { maxLinesPerRead: 2 });
    await rotateWithLateWrite(paged, "b0\nb1", "a1\n");
    expect(pages(await readUntilDone(paged))).toEqual([
      [["a1", "b0"], true, null],
      [["b1"], false, null],
    ]);
    await paged.resetPosition("i");
    const roomy = makeReader(store, clock, { maxLinesPerRead: 10 });
    await rotateWithLateWrite(roomy, "b0\nb1", "a1\n");
    expect(pages(await readUntilDone(roomy))).toEqual([[["a1", "b0", "b1"], false, null]]);
  });

  it('catchUp "skip" counts such a line among the newest', async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 2, catchUp: "skip" });
    await rotateWithLateWrite(reader, "b0\nb1", "a1\n");
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: ["b0", "b1"],
      skippedLines: 1,
      hasMore: false,
      pendingPartial: null,
      bytesBehind: 0,
    });
  });

  it("a fragment joined to a new file with no newline yet still waits until both files are quiet", async () => {
    const reader = makeReader(store, clock);
    await rotateWithLateWrite(reader, "b0", "late ");
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: [],
      hasMore: false,
      pendingPartial: "late b0",
    });
    clock.now = T0 + 1600;
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: ["late b0"],
      pendingPartial: null,
    });
  });
});
