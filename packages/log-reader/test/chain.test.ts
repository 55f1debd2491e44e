import { appendFile, rename, writeFile } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InMemoryPositionStore } from "@agentwatch/models";
import type { PendingRead } from "../src/index.js";
import { type CountingStore, type FakeClock, makeReader, useLogFixture } from "./helpers.js";

let log: string;
let store: CountingStore;
let clock: FakeClock;

useLogFixture({ content: "l1\nl2\nl3\nl4\nl5\n" }, (f) => ({ log, store, clock } = f));

/** Reads page after page with `after`, committing nothing; resolves with every line and the last read. */
async function readChain(
  reader: ReturnType<typeof makeReader>,
  path = log,
): Promise<{ lines: string[]; last: PendingRead; pages: number }> {
  let last = await reader.read("i", path);
  const lines = [...last.lines];
  let pages = 1;
  while (last.hasMore && last.error === null) {
    last = await reader.read("i", path, "tmux_output", { after: last });
    lines.push(...last.lines);
    pages++;
  }
  return { lines, last, pages };
}

describe("read({ after }): several pages, one commit", () => {
  it("continues where the uncommitted read stopped, and its commit saves the position after every page", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    const { lines, last, pages } = await readChain(reader);
    expect(lines).toEqual(["l1", "l2", "l3", "l4", "l5"]);
    expect(pages).toBe(3);
    expect(store.getPosition("i", "tmux_output")).toBeUndefined(); // nothing saved yet
    await last.commit();
    expect(store.updates).toBe(1);
    expect(store.getPosition("i", "tmux_output")).toMatchObject({
      last_line_number: 5,
      last_byte_offset: 15,
    });
    expect((await reader.read("i", log)).lines).toEqual([]);
  });

  it("a chain never committed is read again from the saved position (at-least-once)", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    await readChain(reader);
    const again = await makeReader(store, clock, { maxLinesPerRead: 2 }).read("i", log);
    expect(again.lines).toEqual(["l1", "l2"]);
  });

  it("a continued read that finds nothing new still commits the pages before it", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 5 });
    const first = await reader.read("i", log);
    const empty = await reader.read("i", log, "tmux_output", { after: first });
    expect(empty.lines).toEqual([]);
    await empty.commit();
    expect(store.getPosition("i", "tmux_output")?.last_line_number).toBe(5);
  });

  it("an earlier read of the chain committed after the last one is ignored, never moving back", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    const first = await reader.read("i", log);
    const second = await reader.read("i", log, "tmux_output", { after: first });
    await second.commit();
    await first.commit();
    expect(store.getPosition("i", "tmux_output")?.last_line_number).toBe(4);
    expect(store.updates).toBe(1);
  });

  it("a chain whose start position moved meanwhile cannot commit", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    const first = await reader.read("i", log);
    await (await reader.read("i", log)).commit(); // someone else consumed l1, l2
    const second = await reader.read("i", log, "tmux_output", { after: first });
    await second.commit();
    expect(store.getPosition("i", "tmux_output")?.last_line_number).toBe(2);
  });

  it("refuses, as an error result, a read of another log or reader to continue after", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 2 });
    const other = await makeReader(store, clock).read("i", log);
    const bad = await reader.read("i", log, "tmux_output", { after: other });
    expect(bad.error?.code).toBe("EINVAL");
    expect(bad.lines).toEqual([]);
    const mine = await reader.read("i", log);
    const wrongKey = await reader.read("j", log, "tmux_output", { after: mine });
    expect(wrongKey.error?.message).toContain("must be a read of j:tmux_output");
  });

  it("follows a rename rotation: the old file's rest, then the new file, each line once", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 1 });
    await (await reader.read("i", log)).commit(); // l1
    await appendFile(log, "l6\n");
    await rename(log, `${log}.1`);
    await writeFile(log, "n1\nn2\n");
    const { lines, last } = await readChain(reader);
    expect(lines).toEqual(["l2", "l3", "l4", "l5", "l6", "n1", "n2"]);
    await last.commit();
    expect(store.getPosition("i", "tmux_output")).toMatchObject({
      file_path: log,
      last_line_number: 2,
    });
  });

  it("gives the same lines, in order, as reading and committing page by page", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-z ]{0,12}$/), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        async (texts, pageLines, partial) => {
          const content = texts.map((t) => `${t}\n`).join("") + (partial ? "tail" : "");
          await writeFile(log, content);
          const chained = makeReader(new InMemoryPositionStore(), clock, {
            maxLinesPerRead: pageLines,
            partialLineFlushMs: 0,
          });
          const { lines, last } = await readChain(chained);
          await last.commit();
          const paged = makeReader(new InMemoryPositionStore(), clock, {
            maxLinesPerRead: pageLines,
            partialLineFlushMs: 0,
          });
          const expected: string[] = [];
          for (;;) {
            const read = await paged.readNewContent("i", log);
            expected.push(...read.lines);
            if (!read.hasMore) break;
          }
          expect(lines).toEqual(expected);
          expect((await chained.read("i", log)).lines).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
