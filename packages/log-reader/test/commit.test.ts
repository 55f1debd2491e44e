import { appendFile, truncate } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { type CountingStore, type FakeClock, makeReader, useLogFixture } from "./helpers.js";

let log: string;
let store: CountingStore;
let clock: FakeClock;

useLogFixture({ content: "a\nb\n" }, (f) => ({ log, store, clock } = f));

describe("read() and commit(): at-least-once delivery", () => {
  it("read() leaves the position where it was until commit()", async () => {
    const reader = makeReader(store, clock);
    const pending = await reader.read("i", log);
    expect(pending.lines).toEqual(["a", "b"]);
    expect(pending.totalLines).toBe(2);
    expect(store.getPosition("i", "tmux_output")).toBeUndefined();
    await pending.commit();
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(4);
  });

  it("reading again without committing returns the same lines", async () => {
    const reader = makeReader(store, clock);
    const first = await reader.read("i", log);
    const second = await reader.read("i", log);
    expect(second.lines).toEqual(first.lines);
    expect(second.totalLines).toBe(first.totalLines);
  });

  it("a consumer that crashes before committing gets the same lines from a new reader", async () => {
    await makeReader(store, clock).readNewContent("i", log);
    await appendFile(log, "c\nd\n");
    const crashed = await makeReader(store, clock).read("i", log);
    expect(crashed.lines).toEqual(["c", "d"]); // never committed
    const restarted = makeReader(store, clock);
    const again = await restarted.readNewContent("i", log);
    expect(again.lines).toEqual(["c", "d"]);
    expect((await restarted.readNewContent("i", log)).lines).toEqual([]);
  });

  it("commit() is idempotent: a second call saves nothing more", async () => {
    const reader = makeReader(store, clock);
    const pending = await reader.read("i", log);
    await pending.commit();
    await pending.commit();
    await Promise.all([pending.commit(), pending.commit()]);
    expect(store.updates).toBe(1);
  });

  it("an older read committed after a newer one never moves the position back", async () => {
    const reader = makeReader(store, clock);
    const older = await reader.read("i", log);
    await appendFile(log, "c\n");
    const newer = await reader.read("i", log);
    expect(newer.lines).toEqual(["a", "b", "c"]);
    await newer.commit();
    await older.commit();
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(6);
    expect(store.updates).toBe(1);
  });

  it("a read taken before the file was truncated cannot commit its stale offset afterwards", async () => {
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(log, "c\nd\n");
    const stale = await reader.read("i", log);
    await truncate(log, 0);
    await appendFile(log, "x\n");
    const fresh = await reader.readNewContent("i", log);
    expect(fresh).toMatchObject({ lines: ["x"], truncated: true });
    await stale.commit();
    expect(store.getPosition("i", "tmux_output")).toMatchObject({
      last_byte_offset: 2,
      last_line_number: 1,
    });
  });

  it("a read taken before a reset cannot commit after it", async () => {
    const reader = makeReader(store, clock);
    const pending = await reader.read("i", log);
    await reader.resetPosition("i", "tmux_output");
    await pending.commit();
    expect(store.getPosition("i", "tmux_output")).toBeUndefined();
  });

  it("a read that finds nothing new makes no store write at all, so the timestamp stays", async () => {
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    const saved = store.getPosition("i", "tmux_output");
    expect(store.updates).toBe(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(12_000);
      const idle = await reader.read("i", log);
      expect(idle.lines).toEqual([]);
      expect(idle.totalLines).toBe(2);
      await idle.commit();
      await reader.readNewContent("i", log);
    }
    expect(store.updates).toBe(1);
    expect(store.getPosition("i", "tmux_output")).toEqual(saved);
  });

  it("a fresh reader's first idle poll of a saved, fully read file writes nothing either", async () => {
    await makeReader(store, clock).readNewContent("i", log);
    clock.advance(60_000);
    await makeReader(store, clock).readNewContent("i", log);
    expect(store.updates).toBe(1);
  });

  it("concurrent readNewContent calls on one log take turns, so no line comes twice", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 1 });
    const results = await Promise.all([
      reader.readNewContent("i", log),
      reader.readNewContent("i", log),
      reader.readNewContent("i", log),
    ]);
    expect(results.map((result) => result.lines)).toEqual([["a"], ["b"], []]);
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(4);
  });

  it("concurrent read() calls of one log both see the committed position; the later commit is dropped", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 1 });
    const [first, second] = await Promise.all([reader.read("i", log), reader.read("i", log)]);
    expect(first.lines).toEqual(["a"]);
    expect(second.lines).toEqual(["a"]);
    await Promise.all([first.commit(), second.commit()]);
    expect(store.updates).toBe(1);
    expect((await reader.readNewContent("i", log)).lines).toEqual(["b"]);
  });

  it("readNewContent commits before it resolves", async () => {
    const reader = makeReader(store, clock);
    const result = await reader.readNewContent("i", log);
    expect(result).not.toHaveProperty("commit");
    expect(store.getPosition("i", "tmux_output")?.last_line_number).toBe(result.totalLines);
  });

  it("a failed save makes commit() reject with the store's error, and it can be retried", async () => {
    const reader = makeReader(store, clock);
    const pending = await reader.read("i", log);
    const original = store.updatePosition.bind(store);
    store.updatePosition = () => Promise.reject(new Error("disk full"));
    await expect(pending.commit()).rejects.toThrow("disk full");
    store.updatePosition = original;
    await pending.commit();
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(4);
  });

  it("readNewContent turns a failed save into an error with no lines; the lines come again", async () => {
    const reader = makeReader(store, clock);
    const original = store.updatePosition.bind(store);
    store.updatePosition = () => Promise.reject(new Error("disk full"));
    const failed = await reader.readNewContent("i", log);
    expect(failed.lines).toEqual([]);
    expect(failed.error?.code).toBe("POSITION_STORE_FAILED");
    expect(failed.error?.message).toContain("disk full");
    store.updatePosition = original;
    expect((await reader.readNewContent("i", log)).lines).toEqual(["a", "b"]);
  });
});
