import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { truncationSuffix } from "../src/index.js";
import {
  CountingStore,
  FakeClock,
  T0,
  makeReader,
  makeTempDir,
  removeDir,
  writeAt,
} from "./helpers.js";

let dir: string;
let log: string;

beforeEach(async () => {
  dir = await makeTempDir();
  log = join(dir, "app.log");
});

afterEach(async () => {
  await removeDir(dir);
});

describe("9. readLastNLines", () => {
  it("returns the last n lines, a final line without \\n counting as the last of them", async () => {
    await writeFile(log, "a\nb\nc");
    const reader = makeReader(new CountingStore(), new FakeClock());
    expect(await reader.readLastNLines(log, 2)).toEqual(["b", "c"]);
    expect(await reader.readLastNLines(log, 1)).toEqual(["c"]);
    expect(await reader.readLastNLines(log, 3)).toEqual(["a", "b", "c"]);
    expect(await reader.readLastNLines(log, 10)).toEqual(["a", "b", "c"]);
    expect(await reader.readLastNLines(log, 0)).toEqual([]);
  });

  it("a file ending with \\n has no empty last line; an empty file has no lines; a lone \\n is one empty line", async () => {
    const reader = makeReader(new CountingStore(), new FakeClock());
    await writeFile(log, "a\nb\nc\n");
    expect(await reader.readLastNLines(log, 2)).toEqual(["b", "c"]);
    expect(await reader.readLastNLines(log, 1)).toEqual(["c"]);
    expect(await reader.readLastNLines(log, 10)).toEqual(["a", "b", "c"]);
    await writeFile(log, "");
    expect(await reader.readLastNLines(log, 1)).toEqual([]);
    await writeFile(log, "\n");
    expect(await reader.readLastNLines(log, 1)).toEqual([""]);
    expect(await reader.readLastNLines(log, 5)).toEqual([""]);
  });

  it("with \\r\\n endings, the final unterminated line counts once and loses its trailing \\r", async () => {
    const reader = makeReader(new CountingStore(), new FakeClock());
    await writeFile(log, "a\r\nb\r\nc\r");
    expect(await reader.readLastNLines(log, 2)).toEqual(["b", "c"]);
    expect(await reader.readLastNLines(log, 1)).toEqual(["c"]);
    await writeFile(log, "a\r\nb\r\n");
    expect(await reader.readLastNLines(log, 1)).toEqual(["b"]);
  });

  it("a final line longer than the read chunks counts once, terminated or not", async () => {
    const reader = makeReader(new CountingStore(), new FakeClock());
    const long = "x".repeat(300_000); // several 64 KiB chunks, backwards and forwards
    await writeFile(log, `a\nb\n${long}`);
    expect(await reader.readLastNLines(log, 1)).toEqual([long]);
    expect(await reader.readLastNLines(log, 2)).toEqual(["b", long]);
    expect(await reader.readLastNLines(log, 5)).toEqual(["a", "b", long]);
    await writeFile(log, `a\n${long}\nb`);
    expect(await reader.readLastNLines(log, 2)).toEqual([long, "b"]);
    await writeFile(log, `a\n${long}\n`);
    expect(await reader.readLastNLines(log, 1)).toEqual([long]);
  });

  it("returns the final unterminated line however recently it was written (no flush wait)", async () => {
    await writeAt(log, "a\nhalf", T0);
    const reader = makeReader(new CountingStore(), new FakeClock(T0));
    expect(await reader.readLastNLines(log, 1)).toEqual(["half"]);
  });

  it("handles \\r\\n, empty lines, a file that is one unterminated line, and the default n of 100", async () => {
    await writeFile(log, "a\r\n\r\n\nb\r\n");
    const reader = makeReader(new CountingStore(), new FakeClock());
    expect(await reader.readLastNLines(log, 3)).toEqual(["", "", "b"]);
    await writeFile(log, "only");
    expect(await reader.readLastNLines(log, 3)).toEqual(["only"]);
    await writeFile(log, Array.from({ length: 150 }, (_, i) => `${i}\n`).join(""));
    const last = await reader.readLastNLines(log);
    expect(last).toHaveLength(100);
    expect(last[0]).toBe("50");
  });

  it("cuts long lines like reads do", async () => {
    await writeFile(log, `${"z".repeat(50)}\nshort\n`);
    const reader = makeReader(new CountingStore(), new FakeClock(), { maxLineBytes: 8 });
    expect(await reader.readLastNLines(log, 5)).toEqual([
      `${"z".repeat(8)}${truncationSuffix(42)}`,
      "short",
    ]);
  });

  it("reads backwards: the bytes read grow with n, not with the file size", async () => {
    const fh = await open(log, "w");
    const block = Buffer.from(`${"x".repeat(99)}\n`.repeat(10_000)); // 1 MB of 100-byte lines
    for (let i = 0; i < 32; i++) await fh.write(block);
    await fh.close();
    const probe = await open(log, "r");
    const proto = Object.getPrototypeOf(probe) as {
      read: (...args: unknown[]) => Promise<{ bytesRead: number }>;
    };
    await probe.close();
    const realRead = proto.read;
    let bytes = 0;
    vi.spyOn(proto, "read").mockImplementation(async function (this: unknown, ...args: unknown[]) {
      const result = await realRead.apply(this, args);
      bytes += result.bytesRead;
      return result;
    });
    const reader = makeReader(new CountingStore(), new FakeClock());
    const last = await reader.readLastNLines(log, 100);
    expect(last).toHaveLength(100);
    expect(last.every((line) => line === "x".repeat(99))).toBe(true);
    expect(bytes).toBeLessThan(200 * 1024); // of a 32 MB file
  });

  it("changes no position, even of a log that is being tracked", async () => {
    await writeFile(log, "a\nb\n");
    const store = new CountingStore();
    const reader = makeReader(store, new FakeClock());
    await reader.readNewContent("i", log);
    await writeFile(log, "a\nb\nc\n");
    expect(await reader.readLastNLines(log, 1)).toEqual(["c"]);
    expect(store.updates).toBe(1);
    expect((await reader.readNewContent("i", log)).lines).toEqual(["c"]);
  });

  it("rejects a negative or fractional n with an empty answer instead of throwing", async () => {
    await writeFile(log, "a\n");
    const reader = makeReader(new CountingStore(), new FakeClock());
    expect(await reader.readLastNLines(log, -1)).toEqual([]);
    expect(await reader.readLastNLines(log, 1.5)).toEqual([]);
  });
});
