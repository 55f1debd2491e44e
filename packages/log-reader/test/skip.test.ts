import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InMemoryPositionStore } from "@agentwatch/models";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock, T0, appendAt, makeReader, makeTempDir, removeDir } from "./helpers.js";

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir("log-reader-skip-");
});
afterAll(async () => {
  await removeDir(dir);
});

const lineText = fc
  .array(fc.constantFrom("a", "é", "🚀", "\r", " "), { maxLength: 5 })
  .map((p) => p.join(""));
let counter = 0;

describe('catchUp "skip"', () => {
  it("returns exactly the newest maxLinesPerRead lines and counts every skipped line", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineText, { maxLength: 40 }),
        fc.option(
          lineText.filter((t) => t.length > 0),
          { nil: undefined },
        ),
        fc.integer({ min: 1, max: 12 }),
        async (lines, tail, maxLinesPerRead) => {
          const log = join(dir, `skip-${counter++}.log`);
          await writeFile(log, lines.map((l) => `${l}\n`).join("") + (tail ?? ""));
          const clock = new FakeClock(T0);
          const reader = makeReader(new InMemoryPositionStore(), clock, {
            maxLinesPerRead,
            catchUp: "skip",
            partialLineFlushMs: 0,
          });
          const strip = (l: string) => (l.endsWith("\r") ? l.slice(0, -1) : l);
          const all = [...lines, ...(tail === undefined ? [] : [tail])].map(strip);
          const result = await reader.readNewContent("i", log);
          const kept = all.slice(Math.max(0, all.length - maxLinesPerRead));
          expect(result.lines).toEqual(kept);
          expect(result.skippedLines).toBe(all.length - kept.length);
          expect(result.totalLines).toBe(all.length);
          expect(result.hasMore).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("skips across a rotation only what lies beyond the newest lines of both files", async () => {
    const log = join(dir, "rotating.log");
    await writeFile(log, "a0\n");
    const reader = makeReader(new InMemoryPositionStore(), new FakeClock(T0 + 10_000), {
      maxLinesPerRead: 3,
      catchUp: "skip",
    });
    await reader.readNewContent("i", log);
    await appendAt(log, "a1\na2\na3\nlast words", T0); // cut by the rotation: goes on in the new file
    await rename(log, `${log}.1`);
    await writeFile(log, " of a0\nb1\n");
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({
      lines: ["a3", "last words of a0", "b1"],
      skippedLines: 2,
      rotated: true,
      totalLines: 2,
    });
  });

  it("a start at the new file's first line moves back to the fragment the rotated file ends with", async () => {
    const log = join(dir, "rotating-2.log");
    await writeFile(log, "a0\n");
    const reader = makeReader(new InMemoryPositionStore(), new FakeClock(T0 + 10_000), {
      maxLinesPerRead: 2,
      catchUp: "skip",
    });
    await reader.readNewContent("i", log);
    await appendAt(log, "a1\na2\na3\nlast words", T0);
    await rename(log, `${log}.1`);
    await writeFile(log, " of a0\nb1\n");
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({
      lines: ["last words of a0", "b1"],
      skippedLines: 3,
      rotated: true,
      totalLines: 2,
    });
  });

  it("across a rotation that cut a line, returns exactly the newest lines of the joined stream", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineText, { maxLength: 12 }),
        fc.option(lineText, { nil: undefined }),
        fc.array(lineText, { maxLength: 12 }),
        fc.option(lineText, { nil: undefined }),
        fc.integer({ min: 1, max: 8 }),
        async (oldLines, fragment, newLines, tail, maxLinesPerRead) => {
          const log = join(dir, `joined-${counter++}.log`);
          await writeFile(log, "seed\n");
          const reader = makeReader(new InMemoryPositionStore(), new FakeClock(T0), {
            maxLinesPerRead,
            catchUp: "skip",
            partialLineFlushMs: 0,
          });
          await reader.readNewContent("i", log);
          const oldRest = oldLines.map((l) => `${l}\n`).join("") + (fragment ?? "");
          const fresh = newLines.map((l) => `${l}\n`).join("") + (tail ?? "");
          await appendAt(log, oldRest, T0);
          await rename(log, `${log}.1`);
          await writeFile(log, fresh);
          const all = linesOfText(oldRest + fresh);
          const result = await reader.readNewContent("i", log);
          const kept = all.slice(Math.max(0, all.length - maxLinesPerRead));
          expect(result.lines).toEqual(kept);
          expect(result.skippedLines).toBe(all.length - kept.length);
          if (fresh.length > 0) {
            const endedInOld = oldRest.split("\n").length - 1;
            expect(result.totalLines).toBe(all.length - endedInOld);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** The lines of a text as the reader returns them once quiet: split on \n, one trailing \r removed. */
function linesOfText(text: string): string[] {
  const parts = text.split("\n");
  if (parts.at(-1) === "") parts.pop();
  return parts.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

describe("catchUpLines on one read", () => {
  it("a first read skips a long history to its last lines, and later reads go on page by page", async () => {
    const log = join(dir, `first-sight-${counter++}.log`);
    await writeFile(log, Array.from({ length: 1000 }, (_, i) => `old ${i}\n`).join(""));
    const store = new InMemoryPositionStore();
    const reader = makeReader(store, new FakeClock(T0 + 10_000), { maxLinesPerRead: 100 });
    const first = await reader.read("i", log, "t", { catchUpLines: 30 });
    expect(first.lines).toEqual(Array.from({ length: 30 }, (_, i) => `old ${970 + i}`));
    expect(first.skippedLines).toBe(970);
    expect(first.hasMore).toBe(false);
    await first.commit();
    await appendAt(log, Array.from({ length: 250 }, (_, i) => `new ${i}\n`).join(""));
    // without catchUpLines, the reader pages as its options say: nothing more is skipped
    const second = await reader.read("i", log, "t");
    expect(second.lines).toHaveLength(100);
    expect(second.lines[0]).toBe("new 0");
    expect(second.skippedLines).toBe(0);
    expect(second.hasMore).toBe(true);
  });

  it("is refused with options.after, and when it is not a positive whole number", async () => {
    const log = join(dir, `refused-${counter++}.log`);
    await writeFile(log, "a\nb\n");
    const reader = makeReader(new InMemoryPositionStore(), new FakeClock(T0 + 10_000), {
      maxLinesPerRead: 1,
    });
    const first = await reader.read("i", log, "t");
    const chained = await reader.read("i", log, "t", { after: first, catchUpLines: 5 });
    expect(chained.error?.code).toBe("EINVAL");
    expect(chained.error?.message).toMatch(/catchUpLines/);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      const read = await reader.read("i", log, "t", { catchUpLines: bad });
      expect(read.error?.code).toBe("EINVAL");
      expect(read.lines).toEqual([]);
    }
  });
});
