import { closeSync, copyFileSync, ftruncateSync, openSync, renameSync, writeSync } from "node:fs";
import { appendFile, copyFile, rename, stat, truncate, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  type CountingStore,
  type FakeClock,
  T0,
  appendAt,
  makeReader,
  setMtime,
  writeAt,
  useLogFixture,
} from "./helpers.js";

// The writer's output is one stream; a rotation that cuts a line is an artifact. The fragment a
// rotated-away file ends with is the start of the new file's first line.

let log: string;
let store: CountingStore;
let clock: FakeClock;

// files written at T0 are fresh (partialLineFlushMs is 1000)
useLogFixture({ clockAt: T0 + 10 }, (f) => ({ log, store, clock } = f));

const saved = () => store.getPosition("i", "tmux_output");
const inodeOf = async (path: string) => (await stat(path, { bigint: true })).ino.toString();

/** Writes through a descriptor opened for appending, as an agent's log writer does. */
function writeThrough(fd: number, text: string): void {
  writeSync(fd, text);
}

describe("a line cut by a rotation is returned as one line", () => {
  it("copytruncate cutting a line: the copy's fragment and the truncated file's first line are one line", async () => {
    await writeFile(log, "");
    const fd = openSync(log, "a");
    try {
      const reader = makeReader(store, clock, { partialLineFlushMs: 1000 });
      writeThrough(fd, "line one\nline two\npart");
      await setMtime(log, T0);
      const first = await reader.readNewContent("i", log);
      expect(first).toMatchObject({ lines: ["line one", "line two"], pendingPartial: "part" });
      writeThrough(fd, "ial\nline four\nhalf");
      copyFileSync(log, `${log}.1`); // logrotate copytruncate, cutting "half| done"
      ftruncateSync(fd, 0);
      writeThrough(fd, " done\nnew one\n");
      await setMtime(`${log}.1`, T0);
      await setMtime(log, T0);
      const second = await reader.readNewContent("i", log);
      expect(second).toMatchObject({
        lines: ["partial", "line four", "half done", "new one"],
        pendingPartial: null,
        truncated: true,
        rotated: false,
        totalLines: 2,
        bytesBehind: 0,
      });
      expect(saved()).toMatchObject({ file_path: log, last_byte_offset: 14, last_line_number: 2 });
      clock.advance(60_000); // quiet: nothing of the cut line comes back on its own
      expect((await reader.readNewContent("i", log)).lines).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });

  it("rename rotation cutting a line: the renamed file's fragment and the new file's first line are one line", async () => {
    await writeFile(log, "");
    let fd = openSync(log, "a");
    try {
      const reader = makeReader(store, clock, { partialLineFlushMs: 1000 });
      writeThrough(fd, "line one\nline two\npart");
      await setMtime(log, T0);
      expect((await reader.readNewContent("i", log)).pendingPartial).toBe("part");
      writeThrough(fd, "ial\nline four\nhalf");
      closeSync(fd);
      renameSync(log, `${log}.1`); // the writer's stream goes on in a new file (tmux pipe-pane)
      fd = openSync(log, "a");
      writeThrough(fd, " done\nnew one\n");
      await setMtime(`${log}.1`, T0);
      await setMtime(log, T0);
      const second = await reader.readNewContent("i", log);
      expect(second).toMatchObject({
        lines: ["partial", "line four", "half done", "new one"],
        pendingPartial: null,
        rotated: true,
        truncated: false,
        totalLines: 2,
      });
      expect(saved()).toMatchObject({ file_path: log, last_byte_offset: 14, last_line_number: 2 });
      clock.advance(60_000);
      expect((await reader.readNewContent("i", log)).lines).toEqual([]);
    } finally {
      closeSync(fd);
    }
  });

  it("with no newline in the new file yet, fragment and partial are held as one, then flushed as one line once quiet", async () => {
    await writeAt(log, "a0\nhal", T0);
    const reader = makeReader(store, clock);
    expect((await reader.readNewContent("i", log)).pendingPartial).toBe("hal");
    await rename(log, `${log}.1`);
    await writeAt(log, "f do", T0 + 5);
    const held = await reader.readNewContent("i", log);
    expect(held).toMatchObject({
      lines: [],
      pendingPartial: "half do",
      rotated: false,
      hasMore: false,
      bytesBehind: 3 + 4,
    });
    // nothing that was not returned is committed: the position is still before the fragment
    expect(saved()).toMatchObject({ inode: await inodeOf(`${log}.1`), last_byte_offset: 3 });
    clock.now = T0 + 5 + 999; // the new file is not quiet yet
    expect((await reader.readNewContent("i", log)).pendingPartial).toBe("half do");
    clock.now = T0 + 5 + 1000;
    const flushed = await reader.readNewContent("i", log);
    expect(flushed).toMatchObject({
      lines: ["half do"],
      pendingPartial: null,
      rotated: true,
      totalLines: 1,
      bytesBehind: 0,
    });
    expect(saved()).toMatchObject({ file_path: log, last_byte_offset: 4, last_line_number: 1 });
  });

  it("a fragment that the new file continues later is joined once the continuation arrives", async () => {
    await writeAt(log, "a0\nhal", T0);
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await rename(log, `${log}.1`);
    await writeAt(log, "", T0 + 5); // logrotate's create: empty until the writer writes again
    const held = await reader.readNewContent("i", log);
    expect(held).toMatchObject({ lines: [], pendingPartial: "hal", rotated: false });
    expect(saved()).toMatchObject({ inode: await inodeOf(`${log}.1`), last_byte_offset: 3 });
    await appendAt(log, "f done\nb1\n", T0 + 20);
    const joined = await reader.readNewContent("i", log);
    expect(joined).toMatchObject({ lines: ["half done", "b1"], rotated: true, totalLines: 2 });
  });

  it("a fragment followed by a new file that stays empty is flushed alone once quiet, as the old file's last line", async () => {
    await writeAt(log, "a0\nprompt$ ", T0);
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await rename(log, `${log}.1`);
    await writeAt(log, "", T0);
    clock.advance(1000);
    const flushed = await reader.readNewContent("i", log);
    expect(flushed).toMatchObject({ lines: ["prompt$ "], pendingPartial: null, totalLines: 2 });
    expect(saved()).toMatchObject({ file_path: `${log}.1`, last_byte_offset: 11 });
    await appendAt(log, "ls\n", clock.now);
    const next = await reader.readNewContent("i", log);
    expect(next).toMatchObject({ lines: ["ls"], rotated: true, totalLines: 1 });
  });

  it("a joined line longer than maxLineBytes is cut on a character boundary and marked", async () => {
    await writeAt(log, "a0\nabcdeé", T0); // é is 2 bytes: the fragment is 7 bytes
    const reader = makeReader(store, clock, { maxLineBytes: 8 });
    await reader.readNewContent("i", log);
    await rename(log, `${log}.1`);
    await writeAt(log, "世x\nb1\n", T0); // 世 is 3 bytes: a cut at 8 would split it
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["abcdeé…[truncated 4 bytes]", "b1"]);
    expect(result.rotated).toBe(true);
  });

  it("a held fragment and partial longer than maxLineBytes are kept cut and marked", async () => {
    await writeAt(log, "a0\nfragment", T0);
    const reader = makeReader(store, clock, { maxLineBytes: 10 });
    await reader.readNewContent("i", log);
    await rename(log, `${log}.1`);
    await writeAt(log, " and a long unterminated rest", T0);
    const held = await reader.readNewContent("i", log);
    expect(held.pendingPartial).toBe("fragment a…[truncated 27 bytes]");
    expect(held.lines).toEqual([]);
  });

  it("a drain over several reads that ends in a fragment joins it to the new file's first line", async () => {
    await writeAt(log, "a0\n", T0);
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    await reader.readNewContent("i", log);
    await appendAt(log, "a1\na2\na3\na4\na5\nfrag", T0);
    await rename(log, `${log}.1`);
    await writeAt(log, "ment\nb1\nb2\n", T0);
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push(await reader.readNewContent("i", log));
    expect(reads.map((r) => r.lines)).toEqual([
      ["a1", "a2"],
      ["a3", "a4"],
      ["a5", "fragment"],
      ["b1", "b2"],
      [],
    ]);
    expect(reads.map((r) => r.rotated)).toEqual([false, false, true, false, false]);
    expect(reads[2]).toMatchObject({ totalLines: 1, hasMore: true });
  });

  it("a page that ends just before the fragment leaves the position there and says more is waiting", async () => {
    await writeAt(log, "a0\n", T0);
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    await reader.readNewContent("i", log);
    await appendAt(log, "a1\na2\nfrag", T0);
    await rename(log, `${log}.1`);
    await writeAt(log, "ment\n", T0);
    const page = await reader.readNewContent("i", log);
    expect(page).toMatchObject({
      lines: ["a1", "a2"],
      hasMore: true,
      pendingPartial: null,
      rotated: false,
      bytesBehind: 4 + 5,
    });
    expect(saved()).toMatchObject({ file_path: `${log}.1`, last_byte_offset: 9 });
    const rest = await reader.readNewContent("i", log);
    expect(rest).toMatchObject({ lines: ["fragment"], rotated: true, totalLines: 1 });
  });

  it("after two rotations between reads, the fragment is not joined to a file that did not continue it", async () => {
    await writeAt(log, "a0\nfrag", T0);
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await rename(log, `${log}.1`);
    await writeAt(log, "ment\nb1\n", T0 + 1000); // continued the line, then was rotated away too
    await rename(`${log}.1`, `${log}.2`);
    await rename(log, `${log}.1`);
    await writeAt(log, "c0\n", T0 + 2000);
    clock.now = T0 + 60_000;
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["frag", "c0"]); // b-file lost: more than one rotation between reads
    expect(result.rotated).toBe(true);
  });
});

describe("copytruncate drains report truncated", () => {
  it("a copy drained over several reads ends with truncated, not rotated, when the truncated file is reached", async () => {
    await writeAt(log, "a0\n", T0);
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    await reader.readNewContent("i", log);
    await appendAt(log, "a1\na2\na3\na4\nha", T0);
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendAt(log, "lf\nb1\n", T0);
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push(await reader.readNewContent("i", log));
    expect(reads.map((r) => r.lines)).toEqual([
      ["a1", "a2"],
      ["a3", "a4"],
      ["half", "b1"],
    ]);
    expect(reads.map((r) => r.truncated)).toEqual([false, false, true]);
    expect(reads.map((r) => r.rotated)).toEqual([false, false, false]);
    expect(saved()).toMatchObject({ file_path: log, last_byte_offset: 6, last_line_number: 2 });
  });

  it("after a restart in the middle of the drain, the reader cannot tell and reports rotated", async () => {
    await writeAt(log, "a0\n", T0);
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    await reader.readNewContent("i", log);
    await appendAt(log, "a1\na2\na3\n", T0);
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendAt(log, "b0\n", T0);
    expect((await reader.readNewContent("i", log)).lines).toEqual(["a1", "a2"]);
    const restarted = makeReader(store, clock, { maxLinesPerRead: 2 });
    const rest = await restarted.readNewContent("i", log);
    expect(rest).toMatchObject({ lines: ["a3", "b0"], rotated: true, truncated: false });
  });

  it("a copy drain that only holds a fragment moves the saved identity to the copy, so a regrown file is not mistaken for it", async () => {
    await writeAt(log, "b\n$ ", T0);
    const reader = makeReader(store, clock, { fingerprintBytes: 1 });
    expect((await reader.readNewContent("i", log)).pendingPartial).toBe("$ ");
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await setMtime(log, T0);
    const held = await reader.readNewContent("i", log);
    expect(held).toMatchObject({ lines: [], pendingPartial: "$ " });
    expect(saved()?.file_path).toBe(`${log}.1`);
    // the writer goes on; the truncated file regrows past the offset with the same first byte
    await appendAt(log, "bye\nnext\n", T0);
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({ lines: ["$ bye", "next"], truncated: true });
  });
});

describe("appending to a renamed file through its old descriptor", () => {
  it("a writer that finishes its line in the renamed file before reopening keeps it whole", async () => {
    await writeFile(log, "");
    const fd = openSync(log, "a");
    const reader = makeReader(store, clock);
    writeThrough(fd, "a0\nhal");
    await setMtime(log, T0);
    await reader.readNewContent("i", log);
    renameSync(log, `${log}.1`);
    await writeAt(log, "", T0);
    expect((await reader.readNewContent("i", log)).pendingPartial).toBe("hal");
    writeThrough(fd, "f\n"); // still writing to the renamed file, until it reopens
    closeSync(fd);
    await setMtime(`${log}.1`, T0);
    await appendFile(log, "b0\n");
    await setMtime(log, T0);
    expect((await reader.readNewContent("i", log)).lines).toEqual(["half", "b0"]);
  });
});
