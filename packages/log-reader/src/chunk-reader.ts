import type { FileHandle } from "node:fs/promises";

/** Chunk sizes of forward reads: the first sized for the lines wanted, later ones doubling up to `max`. */
export interface ChunkSizes {
  readonly first: number;
  readonly max: number;
}

/** The default chunk sizes: 64 KiB growing to 1 MiB. */
export const DEFAULT_CHUNKS: ChunkSizes = Object.freeze({ first: 64 * 1024, max: 1024 * 1024 });

/**
 * The size of a scan's first read: room for `maxLines` lines of about 128 bytes, at least `first`
 * and at most `max`. A scan that decodes as it reads (`decoding`) starts with at most
 * `2 * first`: later reads double in size and are issued while the chunk before them is decoded,
 * so a small first read starts the decoding sooner. A scan that only finds where lines end (the
 * decoding comes later) is quicker than the reads and waits for each of them: it reads all it
 * needs at once.
 */
export function firstChunkSize(
  maxLines: number,
  decoding: boolean,
  chunks: ChunkSizes = DEFAULT_CHUNKS,
): number {
  const wanted = maxLines * 128;
  return Math.min(
    chunks.max,
    Math.max(chunks.first, decoding ? Math.min(wanted, chunks.first * 2) : wanted),
  );
}

/** Reads `length` bytes at `position` unless the file ends first; returns the count read. */
export async function readFully(
  fh: FileHandle,
  buf: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Spare read buffers by length (powers of two), reused across calls; each read takes its own. */
const spare = new Map<number, Buffer[]>();
let spareBytes = 0;
const MAX_SPARE_BYTES = 4 * 1024 * 1024;

/** The length of the buffer taken for a read of `length` bytes: a power of two, at least 4 KiB. */
function bufferLength(length: number): number {
  let size = 4096;
  while (size < length) size *= 2;
  return size;
}

/** A buffer of at least `length` bytes: a spare one if there is one, else a new one. */
export function takeBuffer(length: number): Buffer {
  const size = bufferLength(length);
  const reused = spare.get(size)?.pop();
  if (reused === undefined) return Buffer.allocUnsafeSlow(size);
  spareBytes -= size;
  return reused;
}

/** Keeps `buf` (taken by {@link takeBuffer}, with no read into it in flight) for a later read. */
export function giveBack(buf: Buffer): void {
  if (spareBytes + buf.length > MAX_SPARE_BYTES) return;
  let list = spare.get(buf.length);
  if (list === undefined) spare.set(buf.length, (list = []));
  list.push(buf);
  spareBytes += buf.length;
}

/**
 * One read of up to `length` bytes at `position`, issued before its bytes are needed so that
 * waiting for it overlaps other work. It may return fewer bytes (end of file): its user reads on.
 */
export class ReadAhead {
  readonly fh: FileHandle;
  readonly position: number;
  readonly length: number;
  readonly buf: Buffer;
  /** The count of bytes read; rejects with the read's error. */
  readonly done: Promise<number>;
  #owned = false;

  constructor(fh: FileHandle, position: number, length: number) {
    this.fh = fh;
    this.position = position;
    this.length = length;
    this.buf = takeBuffer(length);
    this.done = fh.read(this.buf, 0, length, position).then(({ bytesRead }) => bytesRead);
    this.done.catch(() => {}); // awaited by its user; a failure must not count as unhandled meanwhile
  }

  /** Hands this read over to a scan of `fh` from `position`, once; null when it does not fit. */
  claim(fh: FileHandle, position: number): ReadAhead | null {
    if (this.#owned || fh !== this.fh || position !== this.position) return null;
    this.#owned = true;
    return this;
  }

  /** Waits for the read to end, and keeps its buffer for reuse unless a scan took it over. */
  async release(): Promise<void> {
    if (this.#owned) return;
    this.#owned = true;
    await this.done.catch(() => {});
    giveBack(this.buf);
  }
}

/**
 * Reads chunks of one handle in order, with at most one read in flight ahead of the chunk being
 * decoded. Reads never go past the lengths asked for. {@link ChunkReader.close} must be awaited
 * before the handle is closed.
 */
export class ChunkReader {
  readonly #fh: FileHandle;
  #current: Buffer | null = null;
  #ahead: ReadAhead | null;

  /** `ahead`: a read of this handle already issued, used if the first chunk starts where it does. */
  constructor(fh: FileHandle, ahead: ReadAhead | null) {
    this.#fh = fh;
    this.#ahead = ahead;
  }

  /** Whether a read is in flight for the next chunk. */
  get reading(): boolean {
    return this.#ahead !== null;
  }

  /** Starts reading the next chunk, `length` bytes at `position`, unless a read is in flight. */
  readAhead(position: number, length: number): void {
    if (this.#ahead === null && length > 0) this.#ahead = new ReadAhead(this.#fh, position, length);
  }

  /**
   * The bytes at `[position, position + length)`, fewer only where the file ends (or where the
   * read issued ahead was shorter than `length`). The previous chunk's buffer goes back to the
   * pool unless it was taken with {@link ChunkReader.takeCurrent}.
   */
  async read(position: number, length: number): Promise<Buffer> {
    const ahead = this.#ahead;
    this.#ahead = null;
    if (this.#current !== null) giveBack(this.#current);
    this.#current = null;
    if (ahead !== null && ahead.position === position) {
      this.#current = ahead.buf;
      const want = Math.min(length, ahead.length);
      let got = Math.min(want, await ahead.done);
      if (got < want)
        got += await readFully(this.#fh, ahead.buf.subarray(got), want - got, position + got);
      return ahead.buf.subarray(0, got);
    }
    if (ahead !== null) {
      await ahead.done.catch(() => {});
      giveBack(ahead.buf);
    }
    const buf = (this.#current = takeBuffer(length));
    const got = await readFully(this.#fh, buf, length, position);
    return buf.subarray(0, got);
  }

  /** The length of the buffer holding the chunk last returned by {@link ChunkReader.read}. */
  get currentBytes(): number {
    return this.#current?.length ?? 0;
  }

  /**
   * Hands the buffer of the chunk last returned by {@link ChunkReader.read} over to the caller,
   * who gives it back (or drops it) once done; null when it was handed over already.
   */
  takeCurrent(): Buffer | null {
    const current = this.#current;
    this.#current = null;
    return current;
  }

  /** Waits for a read in flight, and keeps the buffers for reuse. */
  async close(): Promise<void> {
    const ahead = this.#ahead;
    this.#ahead = null;
    if (ahead !== null) {
      await ahead.done.catch(() => {});
      giveBack(ahead.buf);
    }
    if (this.#current !== null) giveBack(this.#current);
    this.#current = null;
  }
}
