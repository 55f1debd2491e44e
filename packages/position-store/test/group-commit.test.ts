import { readFileSync, statSync } from "node:fs";
import { readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LogPosition } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import { PositionTracker, PositionWriteError, STATE_FILE_NAME } from "../src/index.js";
import { lockReleased, position, readStateJson, tempDir } from "./helpers.js";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("group commit", () => {
  it("1,000 concurrent updates cost a handful of writes, each resolving only once the file holds it", async () => {
    const dir = await tempDir();
    const file = join(dir, STATE_FILE_NAME);
    const tracker = await PositionTracker.open(dir);
    const parsedByInode = new Map<number, Record<string, LogPosition>>();
    const onDiskNow = (): Record<string, LogPosition> => {
      const { ino } = statSync(file);
      let parsed = parsedByInode.get(ino);
      if (parsed === undefined) {
        parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, LogPosition>;
        parsedByInode.set(ino, parsed);
      }
      return parsed;
    };
    const missing: number[] = [];
    const calls = Array.from({ length: 1000 }, (_, i) =>
      tracker
        .updatePosition(position(`agent-${i}`, "tmux_output", { last_byte_offset: i }))
        .then(() => {
          if (onDiskNow()[`agent-${i}:tmux_output`]?.last_byte_offset !== i) missing.push(i);
        }),
    );
    await Promise.all(calls);
    expect(missing).toEqual([]);
    expect(tracker.stats.writes).toBeGreaterThanOrEqual(1);
    expect(tracker.stats.writes).toBeLessThanOrEqual(3);
    expect(tracker.stats.changesWritten).toBe(1000);
    expect(Object.keys(await readStateJson(dir))).toHaveLength(1000);
    await tracker.close();
  });

  it("calls arriving while a write is in flight share the next single write", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    const first = tracker.updatePosition(position("first"));
    await nextTurn(); // the first write has started
    const rest = Array.from({ length: 500 }, (_, i) =>
      tracker.updatePosition(position(`later-${i}`)),
    );
    await Promise.all([first, ...rest]);
    expect(tracker.stats.writes).toBe(2);
    expect(Object.keys(await readStateJson(dir))).toHaveLength(501);
    await tracker.close();
  });

  it("updatePositions([]) resolves without writing", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePositions([]);
    expect(tracker.stats.writes).toBe(0);
    await tracker.close();
  });
});

describe("no write when nothing changes", () => {
  it("an update equal to the stored position writes nothing: same write count, files, sizes and mtimes", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePositions([position("a"), position("b")]);
    await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 5 }));
    const file = join(dir, STATE_FILE_NAME);
    const files = [file, `${file}.journal`];
    await lockReleased(dir);
    const before = await Promise.all(files.map((path) => stat(path)));
    const names = await readdir(dir);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a write now would show in mtime
    await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 5 }));
    await tracker.updatePositions([
      position("b"),
      position("a", "tmux_output", { last_byte_offset: 5 }),
    ]);
    expect(tracker.stats).toMatchObject({ writes: 2, unchangedUpdates: 3 });
    await lockReleased(dir);
    const after = await Promise.all(files.map((path) => stat(path)));
    for (const [n, info] of after.entries()) {
      expect(info.ino).toBe(before[n]?.ino);
      expect(info.size).toBe(before[n]?.size);
      expect(info.mtimeMs).toBe(before[n]?.mtimeMs);
    }
    expect(await readdir(dir)).toEqual(names);
    await tracker.close();

    const reopened = await PositionTracker.open(dir);
    await reopened.updatePosition(position("b"));
    expect(reopened.stats.writes).toBe(0);
    await reopened.close();
  });

  it.each([
    ["file_path", { file_path: "/elsewhere.log" }],
    ["last_byte_offset", { last_byte_offset: 1025 }],
    ["last_line_number", { last_line_number: 13 }],
    ["last_read_timestamp", { last_read_timestamp: "2025-01-15T10:30:01.000000" }],
    ["checksum", { checksum: "ffffffffffffffffffffffffffffffff" }],
    ["device", { device: "2049" }],
    ["inode", { inode: "12" }],
  ])("a change of %s alone is written", async (_field, change) => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position());
    await tracker.updatePosition(position("agent-1", "tmux_output", change));
    expect(tracker.stats.writes).toBe(2);
    expect((await readStateJson(dir))["agent-1:tmux_output"]).toEqual(
      position("agent-1", "tmux_output", change),
    );
    await tracker.close();
  });

  it("an update equal to a pending one waits for that write, and fails with it", async () => {
    const root = await tempDir();
    const dir = join(root, "state");
    const tracker = await PositionTracker.open(dir);
    const [a, b] = [tracker.updatePosition(position()), tracker.updatePosition(position())];
    await Promise.all([a, b]);
    expect(tracker.stats).toMatchObject({ writes: 1, unchangedUpdates: 1 });

    await rename(dir, join(root, "moved"));
    await writeFile(dir, "not a directory");
    const changed = position("agent-1", "tmux_output", { last_byte_offset: 1 });
    const first = tracker.updatePosition(changed);
    const second = tracker.updatePosition({ ...changed });
    const third = tracker.updatePositions([{ ...changed }, position("other")]);
    await expect(first).rejects.toThrow(PositionWriteError);
    await expect(second).rejects.toThrow(PositionWriteError);
    await expect(third).rejects.toThrow(PositionWriteError);
    expect(tracker.getPosition("agent-1", "tmux_output")?.last_byte_offset).toBe(1024);
    await rm(dir);
    await rename(join(root, "moved"), dir);
    await tracker.close();
  });
});

describe("mixed operations in one batch", () => {
  it("a removal after a pending update of the same key wins, and an update after a removal wins", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePositions([position("x"), position("y")]);
    const ops = [
      tracker.updatePosition(position("x", "tmux_output", { last_byte_offset: 1 })),
      tracker.removePosition("x", "tmux_output"),
      tracker.removePosition("y", "tmux_output"),
      tracker.updatePosition(position("y", "tmux_output", { last_byte_offset: 2 })),
      tracker.removePosition("x", "tmux_output"),
    ];
    expect(await Promise.all(ops)).toEqual([undefined, true, true, undefined, false]);
    expect(tracker.stats.writes).toBe(2);
    expect(tracker.getPosition("x", "tmux_output")).toBeUndefined();
    expect(tracker.getPosition("y", "tmux_output")?.last_byte_offset).toBe(2);
    expect(Object.keys(await readStateJson(dir))).toEqual(["y:tmux_output"]);
    await tracker.close();
  });

  it("clearAllPositions supersedes earlier pending updates and keeps later ones", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("old"));
    const ops = [
      tracker.updatePosition(position("before-clear")),
      tracker.clearAllPositions(),
      tracker.updatePosition(position("after-clear")),
    ];
    await Promise.all(ops);
    expect(tracker.getAllPositions()).toEqual([position("after-clear")]);
    expect(Object.keys(await readStateJson(dir))).toEqual(["after-clear:tmux_output"]);
    await tracker.close();
  });
});
