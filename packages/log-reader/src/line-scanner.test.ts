import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findNewestLines } from "./backward-scan.js";
import { decodeLine } from "./line-decode.js";
import { scanLines } from "./line-scanner.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "line-scanner-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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

describe("scanLines with tiny chunks", () => {
  it("returns the reference lines, stops after maxLines at the exact offset, and holds or flushes the tail", async () => {
    await fc.assert(
      fc.asyncProperty(
        content,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        async (bytes, first, maxLines, maxLineBytes, flushPartial) => {
          const expected = reference(bytes, maxLineBytes);
          const scan = await withFile(bytes, (fh) =>
            scanLines(fh, {
              start: 0,
              end: bytes.length,
              maxLines,
              maxLineBytes,
              flushPartial,
              chunks: { first, max: first * 2 },
            }),
          );
          const all =
            flushPartial && expected.tail !== null
              ? [...expected.lines, expected.tail]
              : expected.lines;
          expect(scan.lines).toEqual(all.slice(0, maxLines));
          if (scan.stop === "budget") {
            expect(scan.lines).toHaveLength(maxLines);
            expect(scan.offset).toBe(expected.ends[maxLines - 1] ?? bytes.length);
          } else if (scan.stop === "partial") {
            expect(flushPartial).toBe(false);
            expect(scan.partial).toBe(expected.tail);
            expect(scan.offset).toBe(expected.ends.at(-1) ?? 0);
          } else {
            expect(scan.offset).toBe(bytes.length);
            expect(scan.lines).toEqual(all);
          }
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
        async (before, after, first, maxLineBytes) => {
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
            }),
          );
          const all = expected.tail === null ? expected.lines : [...expected.lines, expected.tail];
          expect([...a.lines, ...b.lines]).toEqual(all);
        },
      ),
      { numRuns: 300 },
    );
  });
});
