import { type FileHandle, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ChunkReader,
  DEFAULT_CHUNKS,
  ReadAhead,
  firstChunkSize,
  giveBack,
  takeBuffer,
} from "./chunk-reader.js";

let dir: string;
let fh: FileHandle;
const bytes = Buffer.from("0123456789abcdefghij");

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "chunk-reader-"));
  await writeFile(join(dir, "f"), bytes);
  fh = await open(join(dir, "f"), "r");
});
afterEach(async () => {
  await fh.close();
  await rm(dir, { recursive: true, force: true });
});

describe("ChunkReader", () => {
  it("returns the bytes asked for, through a read issued ahead or not, fewer only at the end", async () => {
    const io = new ChunkReader(fh, null);
    expect((await io.read(0, 5)).toString()).toBe("01234");
    io.readAhead(5, 5);
    expect(io.reading).toBe(true);
    expect((await io.read(5, 5)).toString()).toBe("56789");
    expect(io.reading).toBe(false);
    expect((await io.read(10, 100)).toString()).toBe("abcdefghij");
    await io.close();
  });

  it("hands the current chunk's buffer over: later reads and close() never reuse it", async () => {
    const io = new ChunkReader(fh, null);
    const chunk = await io.read(0, 5);
    expect(io.currentBytes).toBe(4096); // buffers are powers of two, at least 4 KiB
    const taken = io.takeCurrent();
    expect(taken?.buffer).toBe(chunk.buffer);
    expect(io.takeCurrent()).toBeNull();
    expect(io.currentBytes).toBe(0);
    const next = await io.read(5, 5);
    await io.close(); // gives `next`'s buffer back, not `taken`
    expect(takeBuffer(5).buffer).toBe(next.buffer);
    expect(takeBuffer(5).buffer).not.toBe(taken?.buffer);
    expect(chunk.toString()).toBe("01234");
  });

  it("does not use a read issued ahead at another offset", async () => {
    const io = new ChunkReader(fh, null);
    io.readAhead(3, 4);
    expect((await io.read(10, 4)).toString()).toBe("abcd");
    await io.close();
  });

  it("keeps a read ahead shorter than a chunk to its own length", async () => {
    const io = new ChunkReader(fh, new ReadAhead(fh, 2, 3));
    expect((await io.read(2, 10)).toString()).toBe("234");
    await io.close();
  });

  it("waits for a read in flight before it closes", async () => {
    // a read that the OS has not finished yet: it ends when the test says so
    let finish = (): void => {};
    const slow = Object.create(fh) as FileHandle;
    const pending = (buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }> =>
      new Promise((resolve) => {
        finish = () => resolve({ bytesRead: 0, buffer });
      });
    Object.assign(slow, { read: pending });
    const io = new ChunkReader(slow, null);
    io.readAhead(0, 20);
    let closed = false;
    const closing = io.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false); // its buffer is not given back while the read may write into it
    finish();
    await closing;
    expect(closed).toBe(true);
  });
});

describe("ReadAhead", () => {
  it("is handed over once, and only to a scan of its handle from its position", async () => {
    const other = await open(join(dir, "f"), "r");
    try {
      const ahead = new ReadAhead(fh, 4, 8);
      expect(ahead.claim(fh, 5)).toBeNull();
      expect(ahead.claim(other, 4)).toBeNull();
      expect(ahead.claim(fh, 4)).toBe(ahead);
      expect(ahead.claim(fh, 4)).toBeNull();
      expect(await ahead.done).toBe(8);
      expect(ahead.buf.subarray(0, 8).toString()).toBe("456789ab");
    } finally {
      await other.close();
    }
  });

  it("may come back short where the file ends", async () => {
    const ahead = new ReadAhead(fh, 15, 1024);
    expect(await ahead.done).toBe(5);
    await ahead.release();
  });
});

describe("read buffers", () => {
  it("a buffer given back is reused for a read of the same size class", () => {
    const buf = takeBuffer(100_000);
    expect(buf.length).toBe(128 * 1024);
    giveBack(buf);
    expect(takeBuffer(70_000)).toBe(buf);
  });

  it("the first read is sized for the lines wanted, within [first, 2 * first] and at most max when decoding as it reads", () => {
    expect(firstChunkSize(200, true)).toBe(DEFAULT_CHUNKS.first);
    expect(firstChunkSize(800, true)).toBe(102_400);
    expect(firstChunkSize(10_000, true)).toBe(2 * DEFAULT_CHUNKS.first);
    expect(firstChunkSize(5, true, { first: 4, max: 6 })).toBe(6);
  });

  it("the first read is sized for all the lines wanted, within [first, max], when decoding comes later", () => {
    expect(firstChunkSize(200, false)).toBe(DEFAULT_CHUNKS.first);
    expect(firstChunkSize(2_000, false)).toBe(256_000);
    expect(firstChunkSize(10_000, false)).toBe(DEFAULT_CHUNKS.max);
    expect(firstChunkSize(Number.POSITIVE_INFINITY, false)).toBe(DEFAULT_CHUNKS.max);
    expect(firstChunkSize(1, false, { first: 200, max: 1000 })).toBe(200);
  });
});
