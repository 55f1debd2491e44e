import {
  appendFile,
  copyFile,
  mkdir,
  rename,
  rm,
  symlink,
  truncate,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CountingStore,
  type FakeClock,
  T0,
  makeReader,
  setMtime,
  writeAt,
  useLogFixture,
} from "./helpers.js";

const lines = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const text = (items: string[]): string => items.map((item) => `${item}\n`).join("");

let dir: string;
let log: string;
let store: CountingStore;
let clock: FakeClock;

// every file written at T0 is quiet
useLogFixture({ clockAt: T0 + 60_000 }, (f) => ({ dir, log, store, clock } = f));

describe("5. zero-loss rename rotation", () => {
  it("drains the renamed file's unread lines, then reads the new file from 0", async () => {
    await writeAt(log, text(["a0", "a1"]));
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(log, text(["a2", "a3"])); // written before the rotation, never read yet
    await rename(log, `${log}.1`);
    await writeAt(log, text(["b0", "b1"]));
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["a2", "a3", "b0", "b1"]);
    expect(result.rotated).toBe(true);
    expect(result.truncated).toBe(false);
    expect(result.totalLines).toBe(2); // lines of the new file
    expect(store.getPosition("i", "tmux_output")?.file_path).toBe(log);
  });

  it.each([["app.log-20261123"], ["app.log.old"], ["app.log.2026-11-23T10"]])(
    "finds the renamed file under the name %s",
    async (name) => {
      await writeAt(log, text(["a0"]));
      const reader = makeReader(store, clock);
      await reader.readNewContent("i", log);
      await appendFile(log, text(["a1"]));
      await rename(log, join(dir, name));
      await writeAt(log, text(["b0"]));
      expect((await reader.readNewContent("i", log)).lines).toEqual(["a1", "b0"]);
    },
  );

  it("ignores a compressed rotated file, even one with the old inode", async () => {
    await writeAt(log, text(["a0"]));
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(log, text(["a1"]));
    await rename(log, `${log}.1.gz`);
    await writeAt(log, text(["b0"]));
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["b0"]);
    expect(result.rotated).toBe(true);
  });

  it("drains a long remainder over several reads, keeping its line count, then switches", async () => {
    await writeAt(log, text(lines("a", 3)));
    const reader = makeReader(store, clock, { maxLinesPerRead: 4 });
    await reader.readNewContent("i", log);
    await appendFile(log, text(lines("a", 13).slice(3)));
    await rename(log, `${log}.1`);
    await writeAt(log, text(lines("b", 3)));
    const first = await reader.readNewContent("i", log);
    expect(first).toMatchObject({
      lines: ["a3", "a4", "a5", "a6"],
      rotated: false,
      totalLines: 7,
      hasMore: true,
    });
    expect(first.bytesBehind).toBe(
      text(lines("a", 13).slice(7)).length + text(lines("b", 3)).length,
    );
    expect(store.getPosition("i", "tmux_output")?.file_path).toBe(`${log}.1`);
    const second = await reader.readNewContent("i", log);
    expect(second).toMatchObject({
      lines: ["a7", "a8", "a9", "a10"],
      rotated: false,
      totalLines: 11,
    });
    const third = await reader.readNewContent("i", log);
    expect(third).toMatchObject({
      lines: ["a11", "a12", "b0", "b1"],
      rotated: true,
      totalLines: 2,
    });
    const fourth = await reader.readNewContent("i", log);
    expect(fourth).toMatchObject({ lines: ["b2"], rotated: false, totalLines: 3, hasMore: false });
  });

  it("a drain whose renamed file moves on again (app.log.1 to app.log.2) still finds it by inode", async () => {
    await writeAt(log, text(["a0"]));
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    await reader.readNewContent("i", log);
    await appendFile(log, text(["a1", "a2", "a3"]));
    await rename(log, `${log}.1`);
    await writeAt(log, text(["b0"]));
    expect((await reader.readNewContent("i", log)).lines).toEqual(["a1", "a2"]);
    await rename(`${log}.1`, `${log}.2`);
    expect((await reader.readNewContent("i", log)).lines).toEqual(["a3", "b0"]);
  });

  it("joins the renamed file's fresh unterminated last line to the new file's first line", async () => {
    await writeAt(log, text(["a0"]));
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(log, "a1\nunfinish");
    await setMtime(log, clock.now - 10); // the old file was written 10 ms ago
    await rename(log, `${log}.1`);
    await writeAt(log, text(["ed", "b0"]), clock.now);
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({
      lines: ["a1", "unfinished", "b0"],
      pendingPartial: null,
      rotated: true,
      totalLines: 2,
    });
  });

  it("restarts at the new file when the old one is gone", async () => {
    await writeAt(log, text(["a0"]));
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(log, text(["a1"]));
    await rename(log, `${log}.1`);
    await writeAt(log, text(["b0"])); // created while the old file exists: a different inode
    await rm(`${log}.1`);
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: ["b0"],
      rotated: true,
      totalLines: 1,
    });
  });

  it("with two rotations between reads it drains the file it knew, then restarts at the newest file", async () => {
    await writeAt(log, text(["a0"]));
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(log, text(["a1"]));
    await rename(log, `${log}.1`);
    await writeAt(log, text(["b0"]));
    await rename(`${log}.1`, `${log}.2`);
    await rename(log, `${log}.1`);
    await writeAt(log, text(["c0"]));
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({ lines: ["a1", "c0"], rotated: true, totalLines: 1 });
  });

  it('with catchUp "skip" a rotation keeps only the newest lines across both files', async () => {
    await writeAt(log, text(["a0"]));
    const reader = makeReader(store, clock, { maxLinesPerRead: 6, catchUp: "skip" });
    await reader.readNewContent("i", log);
    await appendFile(log, text(lines("a", 6).slice(1)));
    await rename(log, `${log}.1`);
    await writeAt(log, text(lines("b", 3)));
    const across = await reader.readNewContent("i", log);
    expect(across).toMatchObject({
      lines: ["a3", "a4", "a5", "b0", "b1", "b2"],
      skippedLines: 2,
      rotated: true,
    });
    await appendFile(log, text(lines("b", 20).slice(3)));
    await rename(log, `${log}.1`);
    await writeAt(log, text(lines("c", 8)));
    const within = await reader.readNewContent("i", log);
    expect(within).toMatchObject({
      lines: lines("c", 8).slice(2),
      skippedLines: 17 + 2,
      totalLines: 8,
    });
  });
});

describe("5. zero-loss copytruncate", () => {
  it("drains the copy from the saved offset, then the truncated file from 0", async () => {
    await writeAt(log, text(["a0", "a1"]));
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(log, text(["a2"]));
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendFile(log, text(["b0"]));
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({
      lines: ["a2", "b0"],
      truncated: true,
      rotated: false,
      totalLines: 1,
    });
  });

  it("also when the truncated file regrew past the old offset before the read", async () => {
    await writeAt(log, text(["a0"]));
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(log, text(["a1"]));
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendFile(log, text(lines("b", 5)));
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["a1", ...lines("b", 5)]);
    expect(result.truncated).toBe(true);
  });

  it("of several copies with identical banners it drains the most recently modified", async () => {
    const banner = "agent banner\n";
    await writeAt(log, `${banner}${text(["a0"])}`);
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await writeAt(`${log}.2`, `${banner}${text(["old0", "old1", "old2"])}`, T0 - 50_000);
    await appendFile(log, text(["a1"]));
    await copyFile(log, `${log}.1`);
    await setMtime(`${log}.1`, T0);
    await truncate(log, 0);
    await writeAt(`${log}.3.gz`, `${banner}${text(["gz0", "gz1"])}`, T0 + 1000); // newest, but compressed
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["a1"]);
    expect(result.truncated).toBe(true);
  });

  it("without a matching copy a truncated file is simply read again from 0", async () => {
    await writeAt(log, text(["a0", "a1"]));
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await writeAt(`${log}.1`, text(["unrelated", "x", "y"]));
    await truncate(log, 0);
    await appendFile(log, text(["b0"]));
    expect(await reader.readNewContent("i", log)).toMatchObject({ lines: ["b0"], truncated: true });
  });

  it("a copy drained over several reads switches to the truncated file afterwards", async () => {
    await writeAt(log, text(["a0"]));
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    await reader.readNewContent("i", log);
    await appendFile(log, text(["a1", "a2", "a3"]));
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendFile(log, text(["b0"]));
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(...(await reader.readNewContent("i", log)).lines);
    expect(seen).toEqual(["a1", "a2", "a3", "b0"]);
    await writeFile(`${log}.unused`, "");
  });
});

describe("5. a log reached through a symlink", () => {
  it("drains the rotated target that sits beside the symlink's target", async () => {
    const real = join(dir, "real");
    await mkdir(real);
    const target = join(real, "session.log");
    await writeAt(target, text(["a0"]));
    await symlink(target, log);
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await appendFile(target, text(["a1"]));
    await rename(target, `${target}.1`);
    await writeAt(target, text(["b0"]));
    expect(await reader.readNewContent("i", log)).toMatchObject({
      lines: ["a1", "b0"],
      rotated: true,
    });
  });
});
