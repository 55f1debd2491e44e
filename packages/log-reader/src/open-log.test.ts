import { execFileSync } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ReadFailure, openLog } from "./open-log.js";
import { isRotatedName } from "./rotated-siblings.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "open-log-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("openLog", () => {
  it("refuses a FIFO swapped in after the path was stat'ed, without blocking on open", async () => {
    const regular = join(dir, "regular.log");
    await writeFile(regular, "x\n");
    const fifo = join(dir, "swapped.log");
    execFileSync("mkfifo", [fifo]);
    const staleStats = await stat(regular, { bigint: true }); // what a stat before the swap saw
    const failure = await openLog(fifo, () => 0, staleStats).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReadFailure);
    expect((failure as ReadFailure).error.code).toBe("NOT_REGULAR_FILE");
  });

  it("takes size, identity and the first bytes through one handle", async () => {
    const path = join(dir, "a.log");
    await writeFile(path, "hello world\n");
    const opened = await openLog(path, (size) => Math.min(size, 5));
    try {
      const stats = await stat(path, { bigint: true });
      expect(opened.size).toBe(12);
      expect(opened.inode).toBe(stats.ino.toString());
      expect(opened.device).toBe(stats.dev.toString());
      expect(opened.head.toString()).toBe("hello");
    } finally {
      await opened.fh.close();
    }
  });
});

describe("isRotatedName", () => {
  it.each([
    ["app.log.1", true],
    ["app.log-20261123", true],
    ["app.log.old", true],
    ["app.log", false],
    ["app.log.1.gz", false],
    ["app.log-20261123.zst", false],
    ["app.log.2.bz2", false],
    ["other.log.1", false],
    ["xapp.log.1", false],
  ])("%s is a rotated copy of app.log: %s", (name, expected) => {
    expect(isRotatedName("app.log", name)).toBe(expected);
  });
});
