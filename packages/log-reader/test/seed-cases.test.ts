import { createHash } from "node:crypto";
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InMemoryPositionStore } from "@agentwatch/models";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IncrementalLogReader } from "../src/index.js";
import {
  CountingStore,
  FakeClock,
  T0,
  makeReader,
  makeTempDir,
  removeDir,
  writeAt,
} from "./helpers.js";

// The cases of the seed's tests/monitoring/test_log_reader.py, one by one.

let dir: string;
let log: string;
let store: InMemoryPositionStore;
let clock: FakeClock;
let reader: IncrementalLogReader;

beforeEach(async () => {
  dir = await makeTempDir();
  log = join(dir, "test.log");
  await writeAt(log, "Line 1\nLine 2\nLine 3\n");
  store = new InMemoryPositionStore();
  clock = new FakeClock(T0 + 60_000);
  reader = makeReader(store, clock);
});

afterEach(async () => {
  await removeDir(dir);
});

describe("basic reading (seed)", () => {
  it("a first read returns every line and the total", async () => {
    const result = await reader.readNewContent("test-instance", log, "tmux_output");
    expect(result.lines).toEqual(["Line 1", "Line 2", "Line 3"]);
    expect(result.totalLines).toBe(3);
    expect(result.error).toBeNull();
  });

  it("a second read without new content returns no lines and the same total", async () => {
    await reader.readNewContent("test-instance", log);
    const result = await reader.readNewContent("test-instance", log);
    expect(result.lines).toEqual([]);
    expect(result.totalLines).toBe(3);
  });

  it("appended lines are returned incrementally", async () => {
    const first = await reader.readNewContent("test-instance", log);
    expect(first.lines).toHaveLength(3);
    await appendFile(log, "Line 4\nLine 5\n");
    const second = await reader.readNewContent("test-instance", log);
    expect(second.lines).toEqual(["Line 4", "Line 5"]);
    expect(second.totalLines).toBe(5);
  });

  it("an empty file gives no lines and a zero total", async () => {
    const empty = join(dir, "empty.log");
    await writeFile(empty, "");
    const result = await reader.readNewContent("test-instance", empty);
    expect(result.lines).toEqual([]);
    expect(result.totalLines).toBe(0);
    expect(result.error).toBeNull();
  });

  it("a missing file gives no lines and a zero total without throwing", async () => {
    const result = await reader.readNewContent("test-instance", join(dir, "nonexistent.log"));
    expect(result.lines).toEqual([]);
    expect(result.totalLines).toBe(0);
    expect(result.error?.code).toBe("ENOENT");
  });
});

describe("max lines per read (seed)", () => {
  it("returns at most maxLinesPerRead lines, oldest first", async () => {
    const large = join(dir, "large.log");
    await writeFile(large, `${Array.from({ length: 100 }, (_, i) => `Line ${i}`).join("\n")}\n`);
    const limited = makeReader(store, clock, { maxLinesPerRead: 10 });
    const result = await limited.readNewContent("test-instance", large);
    expect(result.lines).toHaveLength(10);
    expect(result.lines[0]).toBe("Line 0");
    expect(result.lines[9]).toBe("Line 9");
    expect(result.totalLines).toBe(10);
    expect(result.hasMore).toBe(true);
  });

  it("pages through 30 lines 10 at a time with cumulative totals 10, 20, 30, then nothing", async () => {
    const large = join(dir, "large.log");
    await writeFile(large, `${Array.from({ length: 30 }, (_, i) => `Line ${i}`).join("\n")}\n`);
    const limited = makeReader(store, clock, { maxLinesPerRead: 10 });
    const totals: number[] = [];
    const all: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await limited.readNewContent("test-instance", large);
      expect(result.lines).toHaveLength(10);
      totals.push(result.totalLines);
      all.push(...result.lines);
    }
    expect(totals).toEqual([10, 20, 30]);
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => `Line ${i}`));
    const fourth = await limited.readNewContent("test-instance", large);
    expect(fourth.lines).toEqual([]);
    expect(fourth.totalLines).toBe(30);
    expect(fourth.hasMore).toBe(false);
  });
});

describe("rotation and truncation (seed)", () => {
  it("content replaced in place is detected by checksum and read from the start", async () => {
    await reader.readNewContent("test-instance", log);
    await writeFile(log, "New Line 1\nNew Line 2\n");
    const result = await reader.readNewContent("test-instance", log);
    expect(result.lines).toEqual(["New Line 1", "New Line 2"]);
    expect(result.totalLines).toBe(2);
    expect(result.truncated).toBe(true); // same inode, rewritten from its start
    expect(result.rotated).toBe(false);
  });

  it("a file cut shorter than the saved offset is read again from the start", async () => {
    const truncating = join(dir, "trunc.log");
    await writeFile(truncating, "Line 1\nLine 2\nLine 3\nLine 4\nLine 5\n");
    await reader.readNewContent("test-instance", truncating);
    await writeFile(truncating, "Line 1\nLine 2\n");
    const result = await reader.readNewContent("test-instance", truncating);
    expect(result.lines).toEqual(["Line 1", "Line 2"]);
    expect(result.totalLines).toBe(2);
    expect(result.truncated).toBe(true);
  });
});

describe("position tracking (seed)", () => {
  it("a read saves the position: ids, offset, line number and checksum", async () => {
    await reader.readNewContent("test-instance", log, "tmux_output");
    const position = store.getPosition("test-instance", "tmux_output");
    expect(position).toBeDefined();
    expect(position?.instance_id).toBe("test-instance");
    expect(position?.log_type).toBe("tmux_output");
    expect(position?.file_path).toBe(log);
    expect(position?.last_byte_offset).toBe(21);
    expect(position?.last_line_number).toBe(3);
    expect(position?.checksum).toBe(
      createHash("md5").update("Line 1\nLine 2\nLine 3\n").digest("hex"),
    );
    expect(position?.last_read_timestamp).toBe(new Date(T0 + 60_000).toISOString());
    expect(position?.device).toMatch(/^\d+$/);
    expect(position?.inode).toMatch(/^\d+$/);
  });

  it("a later read moves the saved position forward", async () => {
    await reader.readNewContent("test-instance", log);
    const first = store.getPosition("test-instance", "tmux_output")!;
    await appendFile(log, "Line 4\n");
    await reader.readNewContent("test-instance", log);
    const second = store.getPosition("test-instance", "tmux_output")!;
    expect(second.last_byte_offset).toBeGreaterThan(first.last_byte_offset);
    expect(second.last_byte_offset).toBe(28);
    expect(second.last_line_number).toBe(4);
  });

  it("two instances reading one file are tracked separately", async () => {
    await reader.readNewContent("instance-1", log);
    const second = await reader.readNewContent("instance-2", log);
    expect(second.lines).toHaveLength(3);
    expect(second.totalLines).toBe(3);
    expect(store.getPosition("instance-1", "tmux_output")).toBeDefined();
    expect(store.getPosition("instance-2", "tmux_output")).toBeDefined();
  });
});

describe("reset (seed)", () => {
  it("resetPosition clears the saved position", async () => {
    await reader.readNewContent("test-instance", log);
    expect(store.getPosition("test-instance", "tmux_output")).toBeDefined();
    expect(await reader.resetPosition("test-instance", "tmux_output")).toBe(true);
    expect(store.getPosition("test-instance", "tmux_output")).toBeUndefined();
    expect(await reader.resetPosition("test-instance", "tmux_output")).toBe(false);
  });

  it("after a reset the next read starts from the beginning", async () => {
    await reader.readNewContent("test-instance", log);
    await reader.resetPosition("test-instance", "tmux_output");
    const result = await reader.readNewContent("test-instance", log);
    expect(result.lines).toEqual(["Line 1", "Line 2", "Line 3"]);
    expect(result.totalLines).toBe(3);
  });
});

describe("last N lines (seed)", () => {
  it("returns the last n lines", async () => {
    const ten = join(dir, "ten.log");
    await writeFile(ten, `${Array.from({ length: 10 }, (_, i) => `Line ${i}`).join("\n")}\n`);
    expect(await reader.readLastNLines(ten, 3)).toEqual(["Line 7", "Line 8", "Line 9"]);
  });

  it("returns every line when the file has fewer than n", async () => {
    expect(await reader.readLastNLines(log, 100)).toEqual(["Line 1", "Line 2", "Line 3"]);
  });

  it("returns nothing for an empty file", async () => {
    const empty = join(dir, "empty.log");
    await writeFile(empty, "");
    expect(await reader.readLastNLines(empty, 10)).toEqual([]);
  });

  it("returns nothing for a missing file", async () => {
    expect(await reader.readLastNLines(join(dir, "nonexistent.log"), 10)).toEqual([]);
  });

  it("does not touch any position", async () => {
    const counting = new CountingStore();
    const tracked = makeReader(counting, clock);
    expect(await tracked.readLastNLines(log, 2)).toEqual(["Line 2", "Line 3"]);
    expect(counting.getPosition("test-instance", "tmux_output")).toBeUndefined();
    expect(counting.updates).toBe(0);
    expect(counting.getAllPositions()).toEqual([]);
  });
});

describe("edge cases (seed)", () => {
  it("a 10,000-character line comes back whole", async () => {
    const long = join(dir, "long.log");
    await writeFile(long, `${"x".repeat(10_000)}\nShort line\n`);
    const result = await reader.readNewContent("test-instance", long);
    expect(result.lines).toHaveLength(2);
    expect(result.lines[0]).toBe("x".repeat(10_000));
    expect(result.lines[1]).toBe("Short line");
  });

  it("unicode text and emoji are decoded intact", async () => {
    const unicode = join(dir, "unicode.log");
    await writeFile(unicode, "Hello 世界\nEmoji 🚀\n", "utf8");
    const result = await reader.readNewContent("test-instance", unicode);
    expect(result.lines).toEqual(["Hello 世界", "Emoji 🚀"]);
  });

  it("empty lines are kept as empty strings", async () => {
    const blanks = join(dir, "empty_lines.log");
    await writeFile(blanks, "Line 1\n\n\nLine 2\n");
    const result = await reader.readNewContent("test-instance", blanks);
    expect(result.lines).toEqual(["Line 1", "", "", "Line 2"]);
    expect(result.totalLines).toBe(4);
  });

  it("a last line without a newline is held while the file is fresh, then returned once quiet", async () => {
    const noNewline = join(dir, "no_newline.log");
    await writeAt(noNewline, "Line 1\nLine 2", T0);
    clock.now = T0 + 999; // written 999 ms ago; the default partialLineFlushMs is 1000
    const held = await reader.readNewContent("test-instance", noNewline);
    expect(held.lines).toEqual(["Line 1"]);
    expect(held.pendingPartial).toBe("Line 2");
    expect(held.totalLines).toBe(1);
    expect(store.getPosition("test-instance", "tmux_output")?.last_byte_offset).toBe(7);
    clock.now = T0 + 1000;
    const flushed = await reader.readNewContent("test-instance", noNewline);
    expect(flushed.lines).toEqual(["Line 2"]);
    expect(flushed.pendingPartial).toBeNull();
    expect(flushed.totalLines).toBe(2);
    expect(store.getPosition("test-instance", "tmux_output")?.last_byte_offset).toBe(13);
  });

  it("with partialLineFlushMs 0 a last line without a newline is returned at once", async () => {
    const noNewline = join(dir, "no_newline.log");
    await writeAt(noNewline, "Line 1\nLine 2", clock.now);
    const eager = makeReader(store, clock, { partialLineFlushMs: 0 });
    const result = await eager.readNewContent("test-instance", noNewline);
    expect(result.lines).toEqual(["Line 1", "Line 2"]);
    expect(result.totalLines).toBe(2);
    expect(result.pendingPartial).toBeNull();
  });
});

describe("checksums (seed)", () => {
  it("two instances reading the same file save the same checksum", async () => {
    await reader.readNewContent("instance1", log);
    await reader.readNewContent("instance2", log);
    const one = store.getPosition("instance1", "tmux_output");
    const two = store.getPosition("instance2", "tmux_output");
    expect(one?.checksum).toBeDefined();
    expect(one?.checksum).toBe(two?.checksum);
  });

  it("the checksum changes when the content changes", async () => {
    await reader.readNewContent("test-instance", log);
    const first = store.getPosition("test-instance", "tmux_output")!.checksum;
    await writeFile(log, "Different content\n");
    const result = await reader.readNewContent("test-instance", log);
    expect(result.lines).toEqual(["Different content"]);
    const second = store.getPosition("test-instance", "tmux_output")!.checksum;
    expect(second).not.toBe(first);
  });

  it("an empty file saves no position", async () => {
    const empty = join(dir, "empty.log");
    await writeFile(empty, "");
    const counting = new CountingStore();
    const tracked = new IncrementalLogReader({ positionTracker: counting, clock: clock.clock });
    await tracked.readNewContent("test-instance", empty);
    expect(counting.getPosition("test-instance", "tmux_output")).toBeUndefined();
    expect(counting.updates).toBe(0);
  });
});
