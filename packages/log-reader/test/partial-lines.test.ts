import { appendFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
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
