import { open } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidOptionError, InvalidSummaryError, SummaryStore } from "../src/index.js";
import { makeSummary, recordingLogger, useSummaryDir } from "./helpers.js";

let summaryDir: string;
useSummaryDir((dirs) => ({ summaryDir } = dirs));

const MiB = 1024 * 1024;
const line = (n: number) => `${JSON.stringify(makeSummary("a", n))}\n`;

/** Appends `parts` to a's history file: text, or a line of that many filler bytes (and its `\n`). */
async function appendHistory(store: SummaryStore, ...parts: (string | number)[]): Promise<void> {
  const handle = await open(join(store.summaryDir, "a", "summary_history.jsonl"), "a");
  try {
    for (const part of parts) {
      if (typeof part === "string") await handle.write(part);
      else await handle.write(Buffer.alloc(part + 1, "x").fill(0x0a, part));
    }
  } finally {
    await handle.close();
  }
}

describe("history lines longer than maxLineBytes", () => {
  it("a 16 MiB line between summaries is skipped and reported once, naming the file", async () => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("a", 0));
    await appendHistory(store, 16 * MiB, line(1), 16 * MiB, 3 * MiB, line(2));

    expect(await store.getHistory("a", { limit: Infinity })).toEqual(
      [2, 1, 0].map((n) => makeSummary("a", n)),
    );
    const path = join(summaryDir, "a", "summary_history.jsonl");
    const warnings = calls.filter((c) => c.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe(
      `skipped 3 lines of ${path} longer than maxLineBytes (1048576 bytes, the longest 16777216 bytes); summaries are a few KiB, so these are not summaries`,
    );
    expect(warnings[0]!.fields).toMatchObject({ path, skippedLines: 3 });
  });

  it("a read that stops before a long line does not report it", async () => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("a", 0));
    await appendHistory(store, 2 * MiB, line(1));
    expect(await store.getHistory("a", { limit: 1 })).toEqual([makeSummary("a", 1)]);
    expect(calls).toEqual([]);
    expect(await store.getHistory("a", { limit: 2 })).toEqual([
      makeSummary("a", 1),
      makeSummary("a", 0),
    ]);
    expect(calls.filter((c) => c.level === "warn")).toHaveLength(1);
  });

  it("maxLineBytes is an option; write refuses a summary whose line would be longer", async () => {
    const bytes = Buffer.byteLength(line(0));
    const store = new SummaryStore(summaryDir, { maxLineBytes: bytes });
    await store.write(makeSummary("a", 0));
    const long = makeSummary("a", 1, { output_preview: "long ".repeat(100) });
    const error = await store.write(long).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSummaryError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `cannot write summary for instance "a": its history line is \\d+ bytes, more than maxLineBytes \\(${bytes}\\)`,
      ),
    );
    expect(await store.getHistory("a")).toEqual([makeSummary("a", 0)]);
    expect(() => new SummaryStore(summaryDir, { maxLineBytes: 0 })).toThrow(InvalidOptionError);
  });
});
