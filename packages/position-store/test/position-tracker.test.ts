import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { positionKey } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import {
  InvalidPositionError,
  PositionStoreClosedError,
  PositionTracker,
  STATE_FILE_NAME,
} from "../src/index.js";
import { position, readStateJson, tempDir } from "./helpers.js";

describe("PositionTracker: the seed's position-tracker cases", () => {
  it("returns undefined for a position that was never stored", async () => {
    const tracker = await PositionTracker.open(await tempDir());
    expect(tracker.getPosition("agent-1", "tmux_output")).toBeUndefined();
    await tracker.close();
  });

  it("returns a stored position after updatePosition resolves", async () => {
    const tracker = await PositionTracker.open(await tempDir());
    await tracker.updatePosition(position("agent-1", "tmux_output"));
    expect(tracker.getPosition("agent-1", "tmux_output")).toEqual(
      position("agent-1", "tmux_output"),
    );
    await tracker.close();
  });

  it("an update overwrites the earlier position of the same log", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("agent-1", "tmux_output", { last_byte_offset: 10 }));
    await tracker.updatePosition(position("agent-1", "tmux_output", { last_byte_offset: 20 }));
    expect(tracker.getPosition("agent-1", "tmux_output")?.last_byte_offset).toBe(20);
    expect(tracker.getAllPositions()).toHaveLength(1);
    expect((await readStateJson(dir))["agent-1:tmux_output"]?.last_byte_offset).toBe(20);
    await tracker.close();
  });

  it("removePosition forgets a position, on disk too, and returns true", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("agent-1"));
    await tracker.updatePosition(position("agent-2"));
    await expect(tracker.removePosition("agent-1", "tmux_output")).resolves.toBe(true);
    expect(tracker.getPosition("agent-1", "tmux_output")).toBeUndefined();
    expect(Object.keys(await readStateJson(dir))).toEqual(["agent-2:tmux_output"]);
    await tracker.close();
  });

  it("removePosition of a missing position returns false and writes nothing", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("agent-1"));
    const before = await stat(join(dir, STATE_FILE_NAME));
    await expect(tracker.removePosition("agent-9", "tmux_output")).resolves.toBe(false);
    await expect(tracker.removePosition("agent-1", "other_log")).resolves.toBe(false);
    expect(tracker.stats.writes).toBe(1);
    const after = await stat(join(dir, STATE_FILE_NAME));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    await tracker.close();
  });

  it("getAllPositions lists nothing for a new store and every stored position otherwise", async () => {
    const tracker = await PositionTracker.open(await tempDir());
    expect(tracker.getAllPositions()).toEqual([]);
    const stored = [position("a"), position("b"), position("a", "other")];
    await tracker.updatePositions(stored);
    const sortByKey = (list: { instance_id: string; log_type: string }[]) =>
      list.map((p) => positionKey(p.instance_id, p.log_type)).sort();
    expect(sortByKey(tracker.getAllPositions())).toEqual(sortByKey(stored));
    expect(tracker.stats.writes).toBe(1);
    await tracker.close();
  });

  it("clearAllPositions empties the store and the file, other trackers' positions included", async () => {
    const dir = await tempDir();
    const mine = await PositionTracker.open(dir);
    const theirs = await PositionTracker.open(dir);
    await mine.updatePosition(position("mine"));
    await theirs.updatePosition(position("theirs"));
    await mine.clearAllPositions();
    expect(mine.getAllPositions()).toEqual([]);
    expect(await readStateJson(dir)).toEqual({});
    await theirs.refresh();
    expect(theirs.getAllPositions()).toEqual([]);
    await Promise.all([mine.close(), theirs.close()]);
  });

  it("positions persist across instances", async () => {
    const dir = await tempDir();
    const first = await PositionTracker.open(dir);
    await first.updatePositions([position("a"), position("b", "x", { last_byte_offset: 7 })]);
    await first.close();
    const second = await PositionTracker.open(dir);
    expect(second.getPosition("a", "tmux_output")).toEqual(position("a"));
    expect(second.getPosition("b", "x")).toEqual(position("b", "x", { last_byte_offset: 7 }));
    await second.close();
  });

  it("writes monitor_positions.json keyed <instance_id>:<log_type> with the seed's snake_case fields", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(
      position("agent-1", "tmux_output", { device: "2049", inode: "77" }),
    );
    expect(tracker.stateFile).toBe(join(dir, "monitor_positions.json"));
    const text = await readFile(join(dir, "monitor_positions.json"), "utf8");
    expect(text).toBe(
      [
        "{",
        '  "agent-1:tmux_output": {',
        '    "instance_id": "agent-1",',
        '    "log_type": "tmux_output",',
        '    "file_path": "/tmp/madrox_logs/instances/agent-1/tmux_output.log",',
        '    "last_byte_offset": 1024,',
        '    "last_line_number": 12,',
        '    "last_read_timestamp": "2025-01-15T10:30:00.123456",',
        '    "checksum": "d41d8cd98f00b204e9800998ecf8427e",',
        '    "device": "2049",',
        '    "inode": "77"',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    await tracker.close();
  });

  it("creates a missing state directory, parents included", async () => {
    const dir = join(await tempDir(), "monitoring", "nested", "state");
    const tracker = await PositionTracker.open(dir);
    expect((await stat(dir)).isDirectory()).toBe(true);
    await tracker.updatePosition(position());
    expect(Object.keys(await readStateJson(dir))).toEqual(["agent-1:tmux_output"]);
    await tracker.close();
  });

  it("a state file holding {} loads as an empty store", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, STATE_FILE_NAME), "{}");
    const tracker = await PositionTracker.open(dir);
    expect(tracker.getAllPositions()).toEqual([]);
    expect(await readdir(dir)).toEqual([STATE_FILE_NAME]);
    await tracker.close();
  });

  it("concurrent updates, reads and removals all take effect", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePositions([position("gone-1"), position("gone-2"), position("stays")]);
    const reads: unknown[] = [];
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      ops.push(
        tracker.updatePosition(position(`agent-${i}`, "tmux_output", { last_byte_offset: i })),
      );
      reads.push(tracker.getPosition("stays", "tmux_output"));
      if (i === 10) ops.push(tracker.removePosition("gone-1", "tmux_output"));
      if (i === 30) ops.push(tracker.removePosition("gone-2", "tmux_output"));
    }
    ops.push(tracker.updatePosition(position("stays", "tmux_output", { last_byte_offset: 99 })));
    await Promise.all(ops);
    expect(
      reads.every((read) => (read as { last_byte_offset: number }).last_byte_offset === 1024),
    ).toBe(true);
    const onDisk = await readStateJson(dir);
    expect(Object.keys(onDisk)).toHaveLength(51);
    expect(onDisk["gone-1:tmux_output"]).toBeUndefined();
    expect(onDisk["gone-2:tmux_output"]).toBeUndefined();
    expect(onDisk["stays:tmux_output"]?.last_byte_offset).toBe(99);
    for (let i = 0; i < 50; i++) {
      expect(tracker.getPosition(`agent-${i}`, "tmux_output")?.last_byte_offset).toBe(i);
    }
    await tracker.close();
  });

  it("keys that differ only in instance or only in log type are distinct positions", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePositions([
      position("agent-1", "tmux_output", { last_byte_offset: 1 }),
      position("agent-2", "tmux_output", { last_byte_offset: 2 }),
      position("agent-1", "stderr", { last_byte_offset: 3 }),
    ]);
    const reopened = await PositionTracker.open(dir);
    expect(reopened.getPosition("agent-1", "tmux_output")?.last_byte_offset).toBe(1);
    expect(reopened.getPosition("agent-2", "tmux_output")?.last_byte_offset).toBe(2);
    expect(reopened.getPosition("agent-1", "stderr")?.last_byte_offset).toBe(3);
    await Promise.all([tracker.close(), reopened.close()]);
  });

  it("empty ids, ':' in ids, unicode and offsets up to Number.MAX_SAFE_INTEGER survive a reload", async () => {
    const dir = await tempDir();
    const tricky = [
      position("", ""),
      position("", "tmux_output"),
      position("agent:with:colons", "log:type"),
      position("агент-🤖", "ログ", { file_path: "/tmp/ünïcödé/🤖.log" }),
      position("big", "tmux_output", {
        last_byte_offset: Number.MAX_SAFE_INTEGER,
        last_line_number: Number.MAX_SAFE_INTEGER,
        device: "18446744073709551615",
        inode: "18446744073709551614",
      }),
    ];
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePositions(tricky);
    await tracker.close();
    const reopened = await PositionTracker.open(dir);
    for (const p of tricky) expect(reopened.getPosition(p.instance_id, p.log_type)).toEqual(p);
    expect(reopened.getAllPositions()).toHaveLength(tricky.length);
    await reopened.close();
  });

  it("keys are rebuilt from the fields: ids containing ':' that share a key never read as each other", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    // "a:b" + "c" and "a" + "b:c" both have the key "a:b:c": the file format holds one of them.
    await tracker.updatePosition(position("a:b", "c"));
    expect(tracker.getPosition("a", "b:c")).toBeUndefined();
    await expect(tracker.removePosition("a", "b:c")).resolves.toBe(false);
    const reopened = await PositionTracker.open(dir);
    expect(reopened.getPosition("a:b", "c")).toEqual(position("a:b", "c"));
    expect(reopened.getPosition("a", "b:c")).toBeUndefined();
    await Promise.all([tracker.close(), reopened.close()]);
  });
});

describe("PositionTracker: input and lifecycle", () => {
  it("rejects an invalid position with InvalidPositionError and writes nothing", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    const bad = position("agent-1", "tmux_output", { last_byte_offset: -1 });
    const error: unknown = await tracker
      .updatePositions([position("ok"), bad])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPositionError);
    expect((error as InvalidPositionError).code).toBe("INVALID_POSITION");
    expect((error as Error).message).toContain('"agent-1:tmux_output"');
    expect((error as Error).message).toContain("last_byte_offset");
    expect(tracker.stats.writes).toBe(0);
    expect(tracker.getAllPositions()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
    await tracker.close();
  });

  it("does not share objects with callers: mutating a given or returned position changes nothing", async () => {
    const tracker = await PositionTracker.open(await tempDir());
    const given = position();
    await tracker.updatePosition(given);
    given.last_byte_offset = 1;
    const returned = tracker.getPosition("agent-1", "tmux_output");
    if (returned !== undefined) returned.last_byte_offset = 2;
    expect(tracker.getPosition("agent-1", "tmux_output")?.last_byte_offset).toBe(1024);
    await tracker.close();
  });

  it("close waits for pending writes, and every later call throws PositionStoreClosedError", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    const pending = tracker.updatePosition(position());
    await tracker.close();
    await pending;
    expect(Object.keys(await readStateJson(dir))).toEqual(["agent-1:tmux_output"]);
    expect(() => tracker.getPosition("agent-1", "tmux_output")).toThrow(PositionStoreClosedError);
    expect(() => tracker.getAllPositions()).toThrow(PositionStoreClosedError);
    await expect(tracker.updatePosition(position())).rejects.toThrow(PositionStoreClosedError);
    await expect(tracker.removePosition("agent-1", "tmux_output")).rejects.toMatchObject({
      code: "STORE_CLOSED",
    });
    await expect(tracker.clearAllPositions()).rejects.toThrow(/is closed/);
    await expect(tracker.refresh()).rejects.toThrow(PositionStoreClosedError);
    await expect(tracker.close()).resolves.toBeUndefined();
  });

  it("refresh shows positions another tracker wrote, without writing", async () => {
    const dir = await tempDir();
    const reader = await PositionTracker.open(dir);
    const writer = await PositionTracker.open(dir);
    await writer.updatePosition(position("from-writer"));
    expect(reader.getPosition("from-writer", "tmux_output")).toBeUndefined();
    await reader.refresh();
    expect(reader.getPosition("from-writer", "tmux_output")).toEqual(position("from-writer"));
    expect(reader.stats.writes).toBe(0);
    await Promise.all([reader.close(), writer.close()]);
  });

  it("rejects a non-positive lockStaleMs", async () => {
    await expect(PositionTracker.open(await tempDir(), { lockStaleMs: 0 })).rejects.toMatchObject({
      code: "INVALID_OPTIONS",
    });
  });
});
