import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir, removeTempDir } from "../test/helpers.js";
import { readLinesBackward, type ReverseLine, type SkippedLine } from "./reverse-lines.js";

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

async function collect(
  content: string | Buffer,
  chunk: number,
  maxLineBytes?: number,
): Promise<(ReverseLine | SkippedLine)[]> {
  const path = join(dir, "f.jsonl");
  await writeFile(path, content);
  const lines: (ReverseLine | SkippedLine)[] = [];
  for await (const line of readLinesBackward(path, { chunkBytes: chunk, maxLineBytes })) {
    lines.push(line);
  }
  return lines;
}

describe("readLinesBackward", () => {
  it("yields lines from last to first, all terminated when the file ends in a newline", async () => {
    expect(await collect("one\ntwo\nthree\n", 4)).toEqual([
      { text: "three", terminated: true },
      { text: "two", terminated: true },
      { text: "one", terminated: true },
    ]);
  });

  it("marks a last line without a newline as unterminated", async () => {
    expect(await collect('one\n{"torn', 3)).toEqual([
      { text: '{"torn', terminated: false },
      { text: "one", terminated: true },
    ]);
  });

  it("skips empty lines and yields nothing for an empty or missing file", async () => {
    expect(await collect("\n\na\n\n", 2)).toEqual([{ text: "a", terminated: true }]);
    expect(await collect("", 2)).toEqual([]);
    const missing: (ReverseLine | SkippedLine)[] = [];
    for await (const line of readLinesBackward(join(dir, "nope"))) missing.push(line);
    expect(missing).toEqual([]);
  });

  it("never splits a multi-byte character across chunk boundaries", async () => {
    const text = "€uro 🤖 ünïcödé\n日本語のテキスト\n";
    for (const chunk of [1, 2, 3, 5, 7]) {
      expect((await collect(text, chunk)).map((l) => ("text" in l ? l.text : l))).toEqual([
        "日本語のテキスト",
        "€uro 🤖 ünïcödé",
      ]);
    }
  });

  it("a caller that stops early gets the newest lines of a large file", async () => {
    const path = join(dir, "big.jsonl");
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
    await writeFile(path, `${lines.join("\n")}\n`);
    const seen: string[] = [];
    for await (const line of readLinesBackward(path, { chunkBytes: 64 })) {
      if ("text" in line) seen.push(line.text);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(["line 999", "line 998", "line 997"]);
  });

  it("reports a line longer than maxLineBytes by its length instead of yielding it", async () => {
    const long = Buffer.alloc(20 * 1024 * 1024, "x");
    const content = Buffer.concat([Buffer.from("first\n"), long, Buffer.from("\nlast\n")]);
    expect(await collect(content, 64 * 1024, 1024 * 1024)).toEqual([
      { text: "last", terminated: true },
      { skippedBytes: long.length, terminated: true },
      { text: "first", terminated: true },
    ]);
    // A long unterminated last line and a long first line are reported the same way.
    expect(await collect("0123456789\nab\n0123456789", 4, 9)).toEqual([
      { skippedBytes: 10, terminated: false },
      { text: "ab", terminated: true },
      { skippedBytes: 10, terminated: true },
    ]);
    // A line of exactly maxLineBytes is yielded.
    expect(await collect("012345678\n", 4, 9)).toEqual([{ text: "012345678", terminated: true }]);
  });

  it("agrees with splitting the whole file, for any content, chunk size and line limit", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ unit: "grapheme", maxLength: 12 }), fc.constant("")), {
          maxLength: 15,
        }),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        async (parts, trailingNewline, chunk, maxLineBytes) => {
          const clean = parts.map((p) => p.replaceAll("\n", " "));
          const content = clean.join("\n") + (trailingNewline ? "\n" : "");
          const pieces = content.split("\n");
          const expected = pieces
            .map((text, i): ReverseLine | SkippedLine => {
              const terminated = i < pieces.length - 1;
              const bytes = Buffer.byteLength(text);
              return bytes > maxLineBytes
                ? { skippedBytes: bytes, terminated }
                : { text, terminated };
            })
            .filter((l) => !("text" in l) || l.text.length > 0)
            .reverse();
          expect(await collect(content, chunk, maxLineBytes)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
