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
    await appendAt(log, "a1\na2\nlast words", T0); // unterminated but quiet: one more line
    await rename(log, `${log}.1`);
    await writeFile(log, "b0\n");
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({
      lines: ["a2", "last words", "b0"],
      skippedLines: 1,
      rotated: true,
      totalLines: 1,
    });
  });
});
