import { appendFile, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InMemoryPositionStore } from "@agentwatch/models";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ReadResult, truncationSuffix } from "../src/index.js";
import { FakeClock, T0, makeReader, makeTempDir, removeDir, setMtime, writeAt } from "./helpers.js";

let dir: string;
let log: string;
let store: InMemoryPositionStore;
let clock: FakeClock;

beforeEach(async () => {
  dir = await makeTempDir();
  log = join(dir, "app.log");
  store = new InMemoryPositionStore();
  clock = new FakeClock(T0);
});

afterEach(async () => {
  await removeDir(dir);
});

describe("1. byte offsets, \\n splitting and UTF-8 decoding", () => {
  it("splits on \\n only, removes one trailing \\r and keeps a lone \\r inside a line", async () => {
    await writeFile(log, "a\r\nb\r\r\nc\rd\n\re\n");
    const reader = makeReader(store, clock);
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["a", "b\r", "c\rd", "\re"]);
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(14);
  });

  it("offsets are bytes: a multi-byte line advances the offset by its UTF-8 length", async () => {
    await writeFile(log, "世界🚀\n");
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(
      Buffer.byteLength("世界🚀\n"),
    );
  });

  it("a multi-byte character split across two writes, with a read between them, comes back whole", async () => {
    const bytes = Buffer.from("x🚀y\n");
    const reader = makeReader(store, clock, { partialLineFlushMs: 60_000 });
    await writeAt(log, bytes.subarray(0, 3), T0); // "x" and half of the emoji
    const first = await reader.readNewContent("i", log);
    expect(first.lines).toEqual([]);
    expect(first.pendingPartial).toBe("x\uFFFD"); // shown as far as it goes, never consumed
    await appendFile(log, bytes.subarray(3));
    const second = await reader.readNewContent("i", log);
    expect(second.lines).toEqual(["x🚀y"]);
  });

  it("invalid UTF-8 bytes become U+FFFD without affecting the neighbouring lines", async () => {
    await writeFile(
      log,
      Buffer.concat([
        Buffer.from("ok\n"),
        Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a]),
        Buffer.from("é\n"),
      ]),
    );
    const result = await makeReader(store, clock).readNewContent("i", log);
    expect(result.lines).toEqual(["ok", "a\uFFFD\uFFFDb", "é"]);
  });

  it("a line spanning many read chunks (3 MiB) is decoded once, intact", async () => {
    const line = "ab€".repeat(600_000); // 3 MiB of 1- and 3-byte characters
    await writeFile(log, `${line}\nnext\n`);
    const result = await makeReader(store, clock, { maxLineBytes: 4 * 1024 * 1024 }).readNewContent(
      "i",
      log,
    );
    expect(result.lines).toHaveLength(2);
    expect(result.lines[0] === line).toBe(true);
    expect(result.lines[1]).toBe("next");
  });
});

describe("2. paging, hasMore, bytesBehind and catchUp", () => {
  it("advances past exactly the lines returned and reports how far behind it is", async () => {
    await writeFile(log, "one\ntwo\nthree\nfour\n");
    const reader = makeReader(store, clock, { maxLinesPerRead: 3 });
    const first = await reader.readNewContent("i", log);
    expect(first.lines).toEqual(["one", "two", "three"]);
    expect(first.hasMore).toBe(true);
    expect(first.bytesBehind).toBe(5);
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(14);
    const second = await reader.readNewContent("i", log);
    expect(second.lines).toEqual(["four"]);
    expect(second.hasMore).toBe(false);
    expect(second.bytesBehind).toBe(0);
  });

  it("a page ending exactly at the end of the file has nothing more", async () => {
    await writeFile(log, "a\nb\n");
    const result = await makeReader(store, clock, { maxLinesPerRead: 2 }).readNewContent("i", log);
    expect(result.lines).toEqual(["a", "b"]);
    expect(result.hasMore).toBe(false);
    expect(result.bytesBehind).toBe(0);
  });

  it("pages through a large backlog without skipping or repeating a line", async () => {
    const lines = Array.from({ length: 25_000 }, (_, i) => `line ${i} ${"é".repeat(i % 7)}`);
    await writeFile(log, `${lines.join("\n")}\n`);
    const reader = makeReader(store, clock, { maxLinesPerRead: 999 });
    const seen: string[] = [];
    for (let guard = 0; guard < 100; guard++) {
      const result = await reader.readNewContent("i", log);
      seen.push(...result.lines);
      expect(result.totalLines).toBe(seen.length);
      if (!result.hasMore) break;
    }
    expect(seen).toEqual(lines);
  });

  it('catchUp "skip" returns only the newest maxLinesPerRead lines and counts the skipped ones', async () => {
    await writeFile(log, `${Array.from({ length: 50 }, (_, i) => `L${i}`).join("\n")}\n`);
    const reader = makeReader(store, clock, { maxLinesPerRead: 10, catchUp: "skip" });
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(Array.from({ length: 10 }, (_, i) => `L${40 + i}`));
    expect(result.skippedLines).toBe(40);
    expect(result.totalLines).toBe(50);
    expect(result.hasMore).toBe(false);
    await appendFile(log, "L50\nL51\n");
    const next = await reader.readNewContent("i", log);
    expect(next.lines).toEqual(["L50", "L51"]);
    expect(next.skippedLines).toBe(0);
    expect(next.totalLines).toBe(52);
  });

  it('catchUp "skip" skips nothing when the backlog fits in one read', async () => {
    await writeFile(log, "a\nb\nc\n");
    const result = await makeReader(store, clock, {
      maxLinesPerRead: 3,
      catchUp: "skip",
    }).readNewContent("i", log);
    expect(result.lines).toEqual(["a", "b", "c"]);
    expect(result.skippedLines).toBe(0);
  });

  it("a full page followed only by a held unterminated line has nothing more, however far past the page it lies (read and readNewContent alike)", async () => {
    const page = Array.from({ length: 2000 }, (_, i) => `line ${i} ${"p".repeat(50)}`);
    const tail = "t".repeat(20_000); // past the first chunk of either kind of read
    await writeAt(log, `${page.join("\n")}\n${tail}`, T0);
    clock.now = T0 + 10; // fresh: the tail is held
    const readBoth = async (): Promise<ReadResult[]> => {
      const fresh = () => makeReader(new InMemoryPositionStore(), clock, { maxLinesPerRead: 2000 });
      return [await fresh().read("i", log), await fresh().readNewContent("i", log)];
    };
    for (const result of await readBoth()) {
      expect(result.lines).toEqual(page);
      expect(result.hasMore).toBe(false);
      expect(result.pendingPartial).toBe(tail);
      expect(result.bytesBehind).toBe(tail.length);
    }
    await writeAt(log, `${page.join("\n")}\n${tail}\n`, T0); // the tail ends: a line is waiting
    for (const result of await readBoth()) {
      expect(result.lines).toEqual(page);
      expect(result.hasMore).toBe(true);
      expect(result.pendingPartial).toBeNull();
    }
  });

  it('catchUp "skip" keeps a fresh unterminated line held and counts a quiet one as the newest line', async () => {
    await writeAt(log, "a\nb\nc\nd\ne", T0);
    clock.now = T0 + 10; // written 10 ms ago: fresh
    const fresh = await makeReader(new InMemoryPositionStore(), clock, {
      maxLinesPerRead: 2,
      catchUp: "skip",
    }).readNewContent("i", log);
    expect(fresh.lines).toEqual(["c", "d"]);
    expect(fresh.skippedLines).toBe(2);
    expect(fresh.pendingPartial).toBe("e");
    const quiet = await makeReader(new InMemoryPositionStore(), clock, {
      maxLinesPerRead: 2,
      catchUp: "skip",
      partialLineFlushMs: 0,
    }).readNewContent("i", log);
    expect(quiet.lines).toEqual(["d", "e"]);
    expect(quiet.skippedLines).toBe(3);
    expect(quiet.totalLines).toBe(5);
  });
});

describe("7. long lines", () => {
  it("a line longer than maxLineBytes is cut on a character boundary, marked, and the rest skipped", async () => {
    await writeFile(log, `${"é".repeat(10)}\nafter\n`); // 20 bytes of 2-byte characters
    const result = await makeReader(store, clock, { maxLineBytes: 7 }).readNewContent("i", log);
    expect(result.lines).toEqual([`ééé${truncationSuffix(14)}`, "after"]);
    expect(result.lines[0]).toBe("ééé…[truncated 14 bytes]");
    expect(result.totalLines).toBe(2);
  });

  it("a line of exactly maxLineBytes, or one more with a trailing \\r, is not cut", async () => {
    await writeFile(log, "12345\n12345\r\n123456\n");
    const result = await makeReader(store, clock, { maxLineBytes: 5 }).readNewContent("i", log);
    expect(result.lines).toEqual(["12345", "12345", `12345${truncationSuffix(1)}`]);
  });

  it("a held partial line is cut the same way", async () => {
    await writeAt(log, "x".repeat(100), T0);
    const result = await makeReader(store, clock, { maxLineBytes: 10 }).readNewContent("i", log);
    expect(result.lines).toEqual([]);
    expect(result.pendingPartial).toBe(`${"x".repeat(10)}${truncationSuffix(90)}`);
  });

  it("a 100 MB line without a newline is held with bounded memory, then flushed cut", async () => {
    const fh = await open(log, "w");
    const block = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 100; i++) await fh.write(block);
    await fh.close();
    await setMtime(log, T0);
    const reader = makeReader(store, clock, { maxLineBytes: 64 * 1024 });
    const before = process.memoryUsage().arrayBuffers;
    const held = await reader.readNewContent("i", log);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(held.lines).toEqual([]);
    expect(held.pendingPartial).toBe(
      `${"a".repeat(64 * 1024)}${truncationSuffix(100 * 1024 * 1024 - 64 * 1024)}`,
    );
    expect(held.bytesBehind).toBe(100 * 1024 * 1024);
    expect(grown).toBeLessThan(32 * 1024 * 1024); // a copy of the line would be 100 MiB
    clock.now += 5_000;
    const flushed = await reader.readNewContent("i", log);
    expect(flushed.lines).toHaveLength(1);
    expect(flushed.lines[0]!.endsWith(truncationSuffix(100 * 1024 * 1024 - 64 * 1024))).toBe(true);
    expect(flushed.bytesBehind).toBe(0);
  });
});
