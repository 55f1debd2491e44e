import { giveBack } from "./chunk-reader.js";
import { decodeGroup } from "./line-decode.js";

/** A run of complete short lines not decoded yet: `view[from, last]`, where `view[last]` is `\n`. */
interface Undecoded {
  readonly view: Buffer;
  readonly from: number;
  readonly last: number;
}

const JOIN_ARGS = 1024;

/**
 * The lines a scan found, oldest first, in batches: decoded ones, and runs of short lines kept as
 * bytes until {@link ScannedLines.decode}. Deferring the decoding lets a caller do something that
 * needs only where the lines end (write the new position) while they are decoded. The chunk
 * buffers that undecoded runs point into belong to this object until `decode()` returns them.
 */
export class ScannedLines {
  readonly #batches: (string[] | Undecoded)[] = [];
  /** Chunk buffers kept for undecoded runs, given back to the pool once decoded. */
  readonly #kept: Buffer[] = [];
  #keptBytes = 0;
  #singles: string[] = [];
  #decoded: string[] | undefined;
  /** How many lines there are, decoded or not. */
  count = 0;

  /** Bytes of chunk buffers kept for undecoded runs. */
  get keptBytes(): number {
    return this.#keptBytes;
  }

  /** Adds decoded lines (a decoded run). */
  addDecoded(texts: string[]): void {
    this.#flushSingles();
    this.#batches.push(texts);
    this.count += texts.length;
  }

  /** Adds one decoded line. */
  add(text: string): void {
    this.#singles.push(text);
    this.count += 1;
  }

  /** Adds `count` complete short lines, `view[from, last]`, to be decoded later. */
  addUndecoded(view: Buffer, from: number, last: number, count: number): void {
    if (count === 0) return;
    this.#flushSingles();
    this.#batches.push({ view, from, last });
    this.count += count;
  }

  /** Takes ownership of a chunk buffer that undecoded runs point into. */
  keep(buffer: Buffer): void {
    this.#kept.push(buffer);
    this.#keptBytes += buffer.length;
  }

  /** Moves every line of `later` (and the buffers they need) after these, emptying `later`. */
  append(later: ScannedLines): void {
    this.#flushSingles();
    later.#flushSingles();
    for (const batch of later.#batches) this.#batches.push(batch);
    for (const buffer of later.#kept) this.keep(buffer);
    this.count += later.count;
    later.#batches.length = 0;
    later.#kept.length = 0;
    later.#keptBytes = 0;
    later.count = 0;
  }

  /**
   * Every line as a string, oldest first; the first call decodes (and gives the kept buffers back
   * for reuse), later calls return the same array.
   */
  decode(): string[] {
    if (this.#decoded !== undefined) return this.#decoded;
    this.#flushSingles();
    const batches = this.#batches.map((batch) =>
      Array.isArray(batch) ? batch : decodeGroup(batch.view, batch.from, batch.last),
    );
    for (const buffer of this.#kept) giveBack(buffer);
    this.#kept.length = 0;
    this.#keptBytes = 0;
    let lines = batches[0] ?? [];
    // concat copies once; a bounded number of arguments per call keeps clear of engine limits
    for (let i = 1; i < batches.length; i += JOIN_ARGS) {
      lines = lines.concat(...batches.slice(i, i + JOIN_ARGS));
    }
    this.#batches.length = 0;
    this.#decoded = lines;
    return lines;
  }

  #flushSingles(): void {
    if (this.#singles.length === 0) return;
    this.#batches.push(this.#singles);
    this.#singles = [];
  }
}
