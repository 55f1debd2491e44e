import { describe, expect, it } from "vitest";
import { InMemoryPositionStore, type LogPosition } from "./index.js";

const base: LogPosition = {
  instance_id: "a",
  log_type: "tmux_output",
  file_path: "/logs/a.log",
  last_byte_offset: 10,
  last_line_number: 1,
  last_read_timestamp: "2026-01-15T10:30:00.000Z",
  checksum: "0cc175b9c0f1b6a831c399e269772661",
};

describe("InMemoryPositionStore", () => {
  it("stores, overwrites, lists and removes positions by instance and log type", async () => {
    const store = new InMemoryPositionStore();
    expect(store.getPosition("a", "tmux_output")).toBeUndefined();
    await store.updatePosition(base);
    await store.updatePosition({ ...base, log_type: "other" });
    await store.updatePosition({ ...base, last_byte_offset: 20 });
    expect(store.getPosition("a", "tmux_output")?.last_byte_offset).toBe(20);
    expect(store.getAllPositions()).toHaveLength(2);
    expect(await store.removePosition("a", "tmux_output")).toBe(true);
    expect(await store.removePosition("a", "tmux_output")).toBe(false);
    expect(store.getAllPositions().map((p) => p.log_type)).toEqual(["other"]);
  });

  it("hands out copies, so a caller cannot change what is stored", async () => {
    const store = new InMemoryPositionStore();
    const position = { ...base };
    await store.updatePosition(position);
    position.last_byte_offset = 999;
    const read = store.getPosition("a", "tmux_output")!;
    read.last_byte_offset = 555;
    expect(store.getPosition("a", "tmux_output")?.last_byte_offset).toBe(10);
  });
});
