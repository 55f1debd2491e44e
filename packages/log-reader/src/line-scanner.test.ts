import { appendFile, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findNewestLines } from "./backward-scan.js";
import { hostileBytes } from "../test/hostile-bytes.js";
import { ReadAhead } from "./chunk-reader.js";
import { GROUP_BYTES, decodeLine } from "./line-decode.js";
import { type ScanRequest, scanLines } from "./line-scanner.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "line-scanner-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a scan from byte 0 returns: the reference lines (the tail too when flushed), at most `maxLines`. */
function expectedLines(
  expected: { lines: string[]; tail: string | null },
  maxLines: number,
  flushPartial: boolean,
): string[] {
  const all =
    flushPartial && expected.tail !== null ? [...expected.lines, expected.tail] : expected.lines;
  return all.slice(0, maxLines);
}

/**
 * Whether a scan from byte 0 stops at its budget: it returns maxLines lines and then finds either
 * another line or nothing at all. An unterminated tail held back is not a line: the scan holds it
 * (stop "partial") however far past the page it lies, in the chunk or beyond.
 */
function pageFull(
  expected: { lines: string[]; tail: string | null },
  maxLines: number,
  flushPartial: boolean,
): boolean {
  const complete = expected.lines.length;
  return complete > maxLines || (complete === maxLines && (expected.tail === null || flushPartial));
}

/** The reference: split on \n, strip one \r, decode each line alone, cut like decodeLine. */
function reference(
  bytes: Buffer,
  maxLineBytes: number,
): { lines: string[]; ends: number[]; tail: string | null } {
  const lines: string[] = [];
  const ends: number[] = [];
  let start = 0;
  for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, start)) {
    const line = bytes.subarray(start, newline);
    lines.push(
      decodeLine(line, 0, line.length, line.length > 0 ? line[line.length - 1]! : -1, maxLineBytes),
    );
    ends.push(newline + 1);
    start = newline + 1;
  }
  const rest = bytes.subarray(start);
  const tail =
    rest.length > 0 ? decodeLine(rest, 0, rest.length, rest[rest.length - 1]!, maxLineBytes) : null;
  return { lines, ends, tail };
}

const MiB64 = 64 * 1024 * 1024;
/**
 * Bytes of read buffers a scan may keep for undecoded lines: none (it decodes as it reads), two
 * buffers (it switches to decoding part way through) or plenty.
 */
const undecodedBudget = fc.constantFrom(0, 8192, MiB64);

const content = fc
  .array(fc.constantFrom("a", "é", "🚀", "\n", "\n", "\r", "\r\n", "xyz", "\uFFFF"), {
    maxLength: 60,
  })
  .chain((parts) =>
    fc.record({
      text: fc.constant(parts.join("")),
      junk: fc.uint8Array({ maxLength: 4 }), // invalid bytes appended
    }),
  )
  .map(({ text, junk }) => Buffer.concat([Buffer.from(text), Buffer.from(junk)]));

let counter = 0;
async function withFile<T>(
  bytes: Buffer,
  fn: (fh: Awaited<ReturnType<typeof open>>) => Promise<T>,
): Promise<T> {
  const path = join(dir, `f${counter++}`);
  await writeFile(path, bytes);
  const fh = await open(path, "r");
  try {
    return await fn(fh);
  } finally {
    await fh.close();
    await rm(path);
  }
}

/** Scans `bytes` from byte 0 and checks lines, offset and stop against {@link reference}. */
async function scanMatchesReference(
  bytes: Buffer,
  request: Omit<ScanRequest, "start" | "end">,
): Promise<void> {
  const { maxLines, maxLineBytes, flushPartial } = request;
  const expected = reference(bytes, maxLineBytes);
  const scan = await withFile(bytes, (fh) =>
    scanLines(fh, { ...request, start: 0, end: bytes.length }),
  );
  const lines = scan.lines.decode();
  expect(lines).toEqual(expectedLines(expected, maxLines, flushPartial));
  expect(scan.lines.count).toBe(lines.length);
  expect(scan.stop === "budget").toBe(pageFull(expected, maxLines, flushPartial));
  if (scan.stop === "budget") {
    expect(lines).toHaveLength(maxLines);
    expect(scan.offset).toBe(expected.ends[maxLines - 1] ?? bytes.length);
  } else if (scan.stop === "partial") {
    expect(flushPartial).toBe(false);
    expect(scan.partial).toBe(expected.tail);
    expect(scan.offset).toBe(expected.ends.at(-1) ?? 0);
  } else {
    expect(scan.offset).toBe(bytes.length);
    // everything was read: every line, not just the first maxLines
    expect(lines).toEqual(expectedLines(expected, Number.POSITIVE_INFINITY, flushPartial));
  }
}

describe("scanLines with tiny chunks", () => {
  it("returns the reference lines, stops after maxLines at the exact offset, and holds or flushes the tail", async () => {
    await fc.assert(
      fc.asyncProperty(
        content,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        undecodedBudget,
        async (bytes, first, maxLines, maxLineBytes, flushPartial, undecodedBytes) => {
          const chunks = { first, max: first * 2 };
          await scanMatchesReference(bytes, {
            maxLines,
            maxLineBytes,
            flushPartial,
            undecodedBytes,
            chunks,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("findNewestLines", () => {
  it("finds where the newest n lines start, counting the tail only when asked", async () => {
    await fc.assert(
      fc.asyncProperty(
        content,
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        async (bytes, n, tailCounts) => {
          const expected = reference(bytes, 1_000_000);
          const starts = [0, ...expected.ends]; // line i starts at starts[i]
          const complete = expected.lines.length;
          const tail = expected.tail !== null && tailCounts ? 1 : 0;
          const wanted = Math.min(n, complete + tail);
          const fromComplete = wanted - tail;
          const offset =
            tail === 1 && fromComplete <= 0
              ? starts[complete]!
              : starts[complete - Math.max(0, fromComplete)]!;
          const found = await withFile(bytes, (fh) =>
            findNewestLines(fh, 0, bytes.length, n, tailCounts),
          );
          if (bytes.length === 0) {
            expect(found.lines).toBe(0);
            return;
          }
          expect(found.lines).toBe(wanted);
          expect(found.offset).toBe(offset);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("scanLines with a prefix carried from another file", () => {
  it("scanning two files with the first one's held tail as prefix gives the lines of their concatenation", async () => {
    await fc.assert(
      fc.asyncProperty(
        content,
        content,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 12 }),
        undecodedBudget,
        async (before, after, first, maxLineBytes, undecodedBytes) => {
          const chunks = { first, max: first * 2 };
          const expected = reference(Buffer.concat([before, after]), maxLineBytes);
          const a = await withFile(before, (fh) =>
            scanLines(fh, {
              start: 0,
              end: before.length,
              maxLines: Number.POSITIVE_INFINITY,
              maxLineBytes,
              flushPartial: false,
              chunks,
              undecodedBytes,
            }),
          );
          expect(a.stop === "partial").toBe(a.tail !== null);
          const b = await withFile(after, (fh) =>
            scanLines(fh, {
              start: 0,
              end: after.length,
              maxLines: Number.POSITIVE_INFINITY,
              maxLineBytes,
              flushPartial: true,
              prefix: a.tail ?? undefined,
              chunks,
              undecodedBytes,
            }),
          );
          const all = expected.tail === null ? expected.lines : [...expected.lines, expected.tail];
          expect([...a.lines.decode(), ...b.lines.decode()]).toEqual(all);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("scanLines with the default chunk sizes", () => {
  /** Hostile lines of every length around the 16 KiB group size and the line limit. */
  const longish = fc
    .array(
      fc.oneof(
        { arbitrary: hostileBytes, weight: 4 },
        {
          arbitrary: fc
            .integer({ min: GROUP_BYTES - 3, max: GROUP_BYTES + 3 })
            .map((length) => Buffer.alloc(length, "é").subarray(0, length)),
          weight: 1,
        },
        {
          arbitrary: fc.integer({ min: 1, max: 40_000 }).map((n) => Buffer.alloc(n, "a")),
          weight: 1,
        },
      ),
      { maxLength: 12 },
    )
    .chain((pieces) =>
      fc
        .array(fc.constantFrom("\n", "\r\n", ""), {
          minLength: pieces.length,
          maxLength: pieces.length,
        })
        .map((ends) => Buffer.concat(pieces.flatMap((piece, i) => [piece, Buffer.from(ends[i]!)]))),
    );

  it("returns the reference lines and offsets for lines shorter and longer than a group or maxLineBytes", async () => {
    await fc.assert(
      fc.asyncProperty(
        longish,
        fc.constantFrom(1, 3, 50, 1000, Number.POSITIVE_INFINITY),
        fc.constantFrom(5, 100, GROUP_BYTES - 1, GROUP_BYTES, GROUP_BYTES + 1, 30_000, 1_048_576),
        fc.boolean(),
        undecodedBudget,
        async (bytes, maxLines, maxLineBytes, flushPartial, undecodedBytes) => {
          await scanMatchesReference(bytes, {
            maxLines,
            maxLineBytes,
            flushPartial,
            undecodedBytes,
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([0, 1024 * 1024, MiB64])(
    "stops inside a run of short lines at exactly maxLines, at the end of the last line returned (undecodedBytes %s)",
    async (undecodedBytes) => {
      const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
      const bytes = Buffer.from(lines.map((line) => `${line}\r\n`).join(""));
      const scan = await withFile(bytes, (fh) =>
        scanLines(fh, {
          start: 0,
          end: bytes.length,
          maxLines: 7,
          maxLineBytes: 1_048_576,
          flushPartial: true,
          undecodedBytes,
        }),
      );
      expect(scan.lines.decode()).toEqual(lines.slice(0, 7));
      expect(scan.stop).toBe("budget");
      expect(scan.offset).toBe(
        Buffer.byteLength(
          lines
            .slice(0, 7)
            .map((l) => `${l}\r\n`)
            .join(""),
        ),
      );
    },
  );

  it.each([0, 1024 * 1024, MiB64])(
    "returns many short lines read in several chunks in order (reads ahead while decoding; undecodedBytes %s)",
    async (undecodedBytes) => {
      const lines = Array.from({ length: 60_000 }, (_, i) => `${i} ${"z".repeat(i % 97)}`);
      const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(""));
      expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024);
      const scan = await withFile(bytes, (fh) =>
        scanLines(fh, {
          start: 0,
          end: bytes.length,
          maxLines: 50_000,
          maxLineBytes: 1_048_576,
          flushPartial: false,
          undecodedBytes,
        }),
      );
      expect(scan.lines.decode()).toEqual(lines.slice(0, 50_000));
      expect(scan.offset).toBe(
        Buffer.byteLength(
          lines
            .slice(0, 50_000)
            .map((l) => `${l}\n`)
            .join(""),
        ),
      );
    },
  );
});

describe("scanLines with undecodedBytes", () => {
  const numbered = (count: number, tag: string): string[] =>
    Array.from({ length: count }, (_, i) => `${tag} ${i} ${"q".repeat(i % 113)}`);
  const bytesOf = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${l}\n`).join(""));
  /** Scans all of the lines, keeping up to `undecodedBytes` of buffers for undecoded ones. */
  const scanAll = (lines: string[], undecodedBytes: number) => {
    const bytes = bytesOf(lines);
    return withFile(bytes, (fh) =>
      scanLines(fh, {
        start: 0,
        end: bytes.length,
        maxLines: Number.POSITIVE_INFINITY,
        maxLineBytes: 1_048_576,
        flushPartial: false,
        undecodedBytes,
      }),
    );
  };

  it("keeps the bytes of undecoded lines to itself: scans made before it decodes cannot overwrite them", async () => {
    const first = numbered(30_000, "first");
    const second = numbered(30_000, "second");
    const scanned = await scanAll(first, MiB64);
    expect(scanned.lines.count).toBe(first.length);
    expect(scanned.lines.keptBytes).toBeGreaterThan(0);
    // Other scans take read buffers from the shared pool meanwhile, and fill them.
    for (const undecodedBytes of [0, MiB64]) {
      const other = await scanAll(second, undecodedBytes);
      expect(other.lines.decode()).toEqual(second);
    }
    expect(scanned.lines.decode()).toEqual(first);
    expect(scanned.lines.keptBytes).toBe(0); // given back once decoded
    expect(scanned.lines.decode()).toEqual(first); // the same lines again
  });

  it("keeps at most undecodedBytes of read buffers, decoding as it reads past that", async () => {
    const budget = 2 * 1024 * 1024;
    const lines = numbered(100_000, "line");
    expect(bytesOf(lines).length).toBeGreaterThan(2 * budget);
    const scan = await scanAll(lines, budget);
    expect(scan.lines.keptBytes).toBeGreaterThan(budget / 2);
    expect(scan.lines.keptBytes).toBeLessThanOrEqual(budget);
    expect(scan.lines.decode()).toEqual(lines);
  });
});

describe("scanLines with a read issued ahead", () => {
  it("takes a read issued at its start as its first chunk, and reads on where that read came back short", async () => {
    const path = join(dir, `ahead-${counter++}`);
    await writeFile(path, "a\nb");
    const fh = await open(path, "r");
    try {
      const ahead = new ReadAhead(fh, 2, 64 * 1024);
      expect(await ahead.done).toBe(1); // "b" only: the file grows after this read
      await appendFile(path, "c\nd\n");
      const scan = await scanLines(fh, {
        start: 2,
        end: 7,
        maxLines: 10,
        maxLineBytes: 100,
        flushPartial: false,
        ahead,
      });
      expect(scan.lines.decode()).toEqual(["bc", "d"]);
      expect(scan.offset).toBe(7);
      await ahead.release(); // the scan owns it: nothing to do
    } finally {
      await fh.close();
    }
  });

  it("ignores a read issued at another offset, which its owner then releases", async () => {
    const bytes = Buffer.from("one\ntwo\nthree\n");
    await withFile(bytes, async (fh) => {
      const ahead = new ReadAhead(fh, 4, 1024);
      const scan = await scanLines(fh, {
        start: 0,
        end: bytes.length,
        maxLines: 10,
        maxLineBytes: 100,
        flushPartial: false,
        ahead,
      });
      expect(scan.lines.decode()).toEqual(["one", "two", "three"]);
      expect(ahead.claim(fh, 4)).toBe(ahead); // still unused
      await ahead.release();
    });
  });

  it("fails with the error of a read issued ahead that it took over", async () => {
    const bytes = Buffer.from("x\n");
    await withFile(bytes, async (fh) => {
      const closed = await open(join(dir, `closed-${counter++}`), "w");
      await closed.close();
      const ahead = new ReadAhead(closed, 0, 1024); // a read of a closed handle fails (EBADF)
      const failure = await scanLines(closed, {
        start: 0,
        end: bytes.length,
        maxLines: 10,
        maxLineBytes: 100,
        flushPartial: false,
        ahead,
      }).catch((error: unknown) => error);
      expect(failure).toBe(await ahead.done.catch((error: unknown) => error));
      expect((failure as NodeJS.ErrnoException).code).toBe("EBADF");
      expect(
        (
          await scanLines(fh, {
            start: 0,
            end: 2,
            maxLines: 1,
            maxLineBytes: 9,
            flushPartial: false,
          })
        ).lines.decode(),
      ).toEqual(["x"]);
    });
  });
});
