import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
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

describe("openLog reading the head while fstat runs", () => {
  const head1k = (size: number): number => Math.min(size, 1024);

  it("keeps only as many first bytes as the size fstat saw allows", async () => {
    const small = join(dir, "small.log");
    await writeFile(small, "0123456789");
    const big = join(dir, "big.log");
    const content = Buffer.from("x".repeat(3000).replace(/x/g, (_, i: number) => String(i % 10)));
    await writeFile(big, content);
    for (const [path, expected] of [
      [small, Buffer.from("0123456789")],
      [big, content.subarray(0, 1024)],
    ] as const) {
      const opened = await openLog(path, head1k);
      try {
        expect(opened.head).toEqual(expected);
      } finally {
        await opened.fh.close();
      }
    }
  });

  it("reads a head longer than what it reads early in full", async () => {
    const path = join(dir, "long-head.log");
    const content = Buffer.alloc(200_000, "abcdefgh");
    await writeFile(path, content);
    const opened = await openLog(path, (size) => Math.min(size, 150_000));
    try {
      expect(opened.head).toEqual(content.subarray(0, 150_000));
    } finally {
      await opened.fh.close();
    }
  });

  it("refuses a FIFO or a directory swapped in after the path was stat'ed, with its own code", async () => {
    const regular = join(dir, "regular.log");
    await writeFile(regular, "x\n");
    const staleStats = await stat(regular, { bigint: true });
    const fifo = join(dir, "fifo.log");
    execFileSync("mkfifo", [fifo]);
    const directory = join(dir, "dir.log");
    await mkdir(directory);
    for (const [path, code] of [
      [fifo, "NOT_REGULAR_FILE"],
      [directory, "EISDIR"],
    ] as const) {
      const failure = await openLog(path, head1k, staleStats).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ReadFailure);
      expect((failure as ReadFailure).error.code).toBe(code);
    }
  });

  it('with "skip" opens without a stat of the path, and fstat still refuses a FIFO', async () => {
    const path = join(dir, "a.log");
    await writeFile(path, "hello\n");
    const opened = await openLog(path, head1k, "skip");
    expect(opened.head.toString()).toBe("hello\n");
    await opened.fh.close();
    const fifo = join(dir, "fifo.log");
    execFileSync("mkfifo", [fifo]);
    const failure = await openLog(fifo, head1k, "skip").catch((error: unknown) => error);
    expect((failure as ReadFailure).error.code).toBe("NOT_REGULAR_FILE");
  });

  it("starts the prefetch read through the same handle, from its position", async () => {
    const path = join(dir, "a.log");
    await writeFile(path, "first\nsecond\n");
    const opened = await openLog(path, head1k, undefined, { position: 6, length: 100 });
    try {
      const ahead = opened.ahead!;
      expect(ahead.fh).toBe(opened.fh);
      expect(await ahead.done).toBe(7);
      expect(ahead.buf.subarray(0, 7).toString()).toBe("second\n");
      await ahead.release();
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
