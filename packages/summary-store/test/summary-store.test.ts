import { appendFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgentSummary } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import {
  InvalidOptionError,
  InvalidSummaryError,
  SummaryReadError,
  SummaryStore,
  SummaryWriteError,
} from "../src/index.js";
import { listTree, makeSummary, recordingLogger, useSummaryDir } from "./helpers.js";

let root: string;
let summaryDir: string;
useSummaryDir((dirs) => ({ root, summaryDir } = dirs));

async function historyLines(id: string, file = "summary_history.jsonl"): Promise<string[]> {
  const text = await readFile(join(summaryDir, id, file), "utf8");
  return text.split("\n").filter((line) => line.length > 0);
}

describe("write and getLatest", () => {
  it("round-trips a summary with unicode text and a 200-character output preview", async () => {
    const store = new SummaryStore(summaryDir);
    const summary = makeSummary("agent-ü-🤖", 1, {
      current_activity: "Schreibt Tests für die Authentifizierung — 日本語 🤖",
      output_preview: "é".repeat(100) + "日".repeat(75) + "🤖".repeat(25),
      drift_reasons: ["edits files outside src/auth", "引用"],
      recommended_action: 'say "continue"\nthen wait',
    });
    expect([...summary.output_preview]).toHaveLength(200);
    await store.write(summary);
    expect(await store.getLatest("agent-ü-🤖")).toEqual(summary);
    const onDisk = JSON.parse(
      await readFile(join(summaryDir, "agent-ü-🤖", "latest_summary.json"), "utf8"),
    ) as unknown;
    expect(onDisk).toEqual(summary);
    expect(await historyLines("agent-ü-🤖")).toEqual([JSON.stringify(summary)]);
  });

  it("the latest summary is the last one written", async () => {
    const store = new SummaryStore(summaryDir);
    for (let n = 0; n < 5; n++) await store.write(makeSummary("a", n));
    expect(await store.getLatest("a")).toEqual(makeSummary("a", 4));
  });

  it("returns undefined for an agent that has no summary", async () => {
    const store = new SummaryStore(summaryDir);
    expect(await store.getLatest("nobody")).toBeUndefined();
  });

  it("keeps fields the schema does not know, on disk and when read back", async () => {
    const store = new SummaryStore(summaryDir);
    // A field a later version may add, and the optional activity_state the schema knows.
    const summary = {
      ...makeSummary("a", 1),
      activity_state: "waiting_permission" as const,
      reviewed_by: "supervisor-1",
    };
    await store.write(summary);
    expect(await store.getLatest("a")).toEqual(summary);
    expect(await store.getHistory("a")).toEqual([summary]);
    const line = JSON.parse((await historyLines("a"))[0]!) as Record<string, unknown>;
    expect(line).toHaveProperty("reviewed_by", "supervisor-1");
    expect(line).toHaveProperty("activity_state", "waiting_permission");
  });

  it("rejects a summary that breaks the schema, naming the field, and writes nothing", async () => {
    const store = new SummaryStore(summaryDir);
    const bad = { ...makeSummary("a", 1), confidence_score: 7 };
    const error = await store.write(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSummaryError);
    expect((error as InvalidSummaryError).code).toBe("INVALID_SUMMARY");
    expect((error as Error).message).toMatch(/confidence_score.*got 7.*nothing was written/);
    await expect(store.write(null as unknown as AgentSummary)).rejects.toThrow(InvalidSummaryError);
    expect(await listTree(root)).toEqual([]);
  });

  it("leaves no temp files behind", async () => {
    const store = new SummaryStore(summaryDir);
    for (let n = 0; n < 10; n++) await store.write(makeSummary("a", n));
    expect((await readdir(join(summaryDir, "a"))).sort()).toEqual([
      "latest_summary.json",
      "summary_history.jsonl",
    ]);
  });

  it("a read issued before a write settles sees that write", async () => {
    const store = new SummaryStore(summaryDir);
    const writing = store.write(makeSummary("a", 1));
    const [history, latest] = await Promise.all([store.getHistory("a"), store.getLatest("a")]);
    await writing;
    expect(history).toEqual([makeSummary("a", 1)]);
    expect(latest).toEqual(makeSummary("a", 1));
  });
});

describe("getHistory", () => {
  it("returns summaries newest first, at most limit, 100 by default", async () => {
    const store = new SummaryStore(summaryDir);
    for (let n = 0; n < 105; n++) await store.write(makeSummary("a", n));
    const all = await store.getHistory("a");
    expect(all).toHaveLength(100);
    expect(all[0]).toEqual(makeSummary("a", 104));
    expect(all[99]).toEqual(makeSummary("a", 5));
    expect((await store.getHistory("a", { limit: 3 })).map((s) => s.output_preview)).toEqual([
      "output 104",
      "output 103",
      "output 102",
    ]);
    expect(await store.getHistory("a", { limit: 0 })).toEqual([]);
    expect(await store.getHistory("a", { limit: Infinity })).toHaveLength(105);
    expect(await store.getHistory("nobody")).toEqual([]);
  });

  it("since keeps summaries at or after the instant, given as a Date or an ISO string", async () => {
    const store = new SummaryStore(summaryDir);
    for (let n = 0; n < 10; n++) await store.write(makeSummary("a", n));
    const sixth = makeSummary("a", 6).timestamp;
    const expected = [9, 8, 7, 6].map((n) => makeSummary("a", n));
    expect(await store.getHistory("a", { since: new Date(sixth) })).toEqual(expected);
    expect(await store.getHistory("a", { since: sixth })).toEqual(expected);
    expect(await store.getHistory("a", { since: "2026-01-15T10:00:06.001Z" })).toEqual(
      expected.slice(0, 3),
    );
    expect(await store.getHistory("a", { since: sixth, limit: 2 })).toEqual(expected.slice(0, 2));
  });

  it("rejects a bad limit or since with InvalidOptionError", async () => {
    const store = new SummaryStore(summaryDir);
    await expect(store.getHistory("a", { limit: -1 })).rejects.toThrow(InvalidOptionError);
    await expect(store.getHistory("a", { limit: 1.5 })).rejects.toThrow(/limit/);
    await expect(store.getHistory("a", { since: "yesterday" })).rejects.toThrow(/since/);
    await expect(store.getHistory("a", { since: new Date(NaN) })).rejects.toThrow(
      InvalidOptionError,
    );
  });

  it("skips a torn last line left by a crash, logging it at debug level only", async () => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    for (let n = 0; n < 3; n++) await store.write(makeSummary("a", n));
    const torn = JSON.stringify(makeSummary("a", 3)).slice(0, 57);
    await appendFile(join(summaryDir, "a", "summary_history.jsonl"), torn);
    expect(await store.getHistory("a")).toEqual([2, 1, 0].map((n) => makeSummary("a", n)));
    expect(calls.filter((c) => c.level === "warn")).toEqual([]);
    expect(calls.filter((c) => c.level === "debug")).toHaveLength(1);
  });

  it("a write after a torn line starts a fresh line, so the new summary is not lost", async () => {
    const store = new SummaryStore(summaryDir);
    await store.write(makeSummary("a", 0));
    await appendFile(join(summaryDir, "a", "summary_history.jsonl"), '{"instance_id":"a","ti');
    await store.write(makeSummary("a", 1));
    expect(await store.getHistory("a")).toEqual([makeSummary("a", 1), makeSummary("a", 0)]);
  });

  it("skips an invalid line in the middle with a warning", async () => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("a", 0));
    await appendFile(
      join(summaryDir, "a", "summary_history.jsonl"),
      `not json\n${JSON.stringify({ ...makeSummary("a", 1), on_track_status: "lost" })}\n[]\n`,
    );
    await store.write(makeSummary("a", 2));
    expect(await store.getHistory("a")).toEqual([makeSummary("a", 2), makeSummary("a", 0)]);
    expect(calls.filter((c) => c.level === "warn")).toHaveLength(3);
  });
});

describe("rotation", () => {
  it("rotates past maxHistoryBytes, keeps at most historyFiles files and reads across them", async () => {
    const lineBytes = Buffer.byteLength(JSON.stringify(makeSummary("a", 10))) + 1;
    const store = new SummaryStore(summaryDir, { maxHistoryBytes: lineBytes * 4, historyFiles: 3 });
    for (let n = 10; n < 30; n++) await store.write(makeSummary("a", n));
    expect((await readdir(join(summaryDir, "a"))).sort()).toEqual([
      "latest_summary.json",
      "summary_history.1.jsonl",
      "summary_history.2.jsonl",
      "summary_history.jsonl",
    ]);
    const preview = (lines: string[]) =>
      lines.map((l) => (JSON.parse(l) as AgentSummary).output_preview);
    expect(preview(await historyLines("a"))).toEqual([26, 27, 28, 29].map((n) => `output ${n}`));
    expect(preview(await historyLines("a", "summary_history.1.jsonl"))).toEqual(
      [22, 23, 24, 25].map((n) => `output ${n}`),
    );
    expect(preview(await historyLines("a", "summary_history.2.jsonl"))).toEqual(
      [18, 19, 20, 21].map((n) => `output ${n}`),
    );
    const history = await store.getHistory("a", { limit: 50 });
    expect(history.map((s) => s.output_preview)).toEqual(
      Array.from({ length: 12 }, (_, i) => `output ${29 - i}`),
    );
    for (const name of await readdir(join(summaryDir, "a"))) {
      const size = (await readFile(join(summaryDir, "a", name))).length;
      if (name.startsWith("summary_history")) expect(size).toBeLessThanOrEqual(lineBytes * 4);
    }
  });

  it("with historyFiles 1 keeps only the current file", async () => {
    const lineBytes = Buffer.byteLength(JSON.stringify(makeSummary("a", 10))) + 1;
    const store = new SummaryStore(summaryDir, { maxHistoryBytes: lineBytes * 2, historyFiles: 1 });
    for (let n = 10; n < 15; n++) await store.write(makeSummary("a", n));
    expect((await readdir(join(summaryDir, "a"))).sort()).toEqual([
      "latest_summary.json",
      "summary_history.jsonl",
    ]);
    expect((await store.getHistory("a")).map((s) => s.output_preview)).toEqual(["output 14"]);
  });

  it("removes rotated files beyond a lowered historyFiles on the next rotation", async () => {
    const lineBytes = Buffer.byteLength(JSON.stringify(makeSummary("a", 10))) + 1;
    const big = new SummaryStore(summaryDir, { maxHistoryBytes: lineBytes, historyFiles: 5 });
    for (let n = 10; n < 16; n++) await big.write(makeSummary("a", n));
    expect(await readdir(join(summaryDir, "a"))).toHaveLength(6);
    const small = new SummaryStore(summaryDir, { maxHistoryBytes: lineBytes, historyFiles: 2 });
    await small.write(makeSummary("a", 16));
    expect((await readdir(join(summaryDir, "a"))).sort()).toEqual([
      "latest_summary.json",
      "summary_history.1.jsonl",
      "summary_history.jsonl",
    ]);
    expect((await small.getHistory("a")).map((s) => s.output_preview)).toEqual([
      "output 16",
      "output 15",
    ]);
  });

  it("a summary larger than maxHistoryBytes is still recorded, alone in its file", async () => {
    const store = new SummaryStore(summaryDir, { maxHistoryBytes: 100, historyFiles: 2 });
    await store.write(makeSummary("a", 0));
    await store.write(makeSummary("a", 1));
    expect(await historyLines("a")).toHaveLength(1);
    expect(await store.getHistory("a")).toEqual([makeSummary("a", 1), makeSummary("a", 0)]);
  });

  it("reads across a gap left by a crash between two rotation renames", async () => {
    const store = new SummaryStore(summaryDir);
    await mkdir(join(summaryDir, "a"), { recursive: true });
    const line = (n: number) => `${JSON.stringify(makeSummary("a", n))}\n`;
    await writeFile(join(summaryDir, "a", "summary_history.2.jsonl"), line(0) + line(1));
    await writeFile(join(summaryDir, "a", "summary_history.jsonl"), line(2));
    expect((await store.getHistory("a")).map((s) => s.output_preview)).toEqual([
      "output 2",
      "output 1",
      "output 0",
    ]);
  });
});

describe("getAllLatest and listInstances", () => {
  it("returns every agent's latest summary and skips broken directories with a warning", async () => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("b", 1));
    await store.write(makeSummary("a", 1));
    await store.write(makeSummary("a", 2));
    await mkdir(join(summaryDir, "empty"));
    await mkdir(join(summaryDir, "broken"));
    await writeFile(join(summaryDir, "broken", "latest_summary.json"), '{"instance_id": ');
    await writeFile(join(summaryDir, "stray-file.txt"), "not an agent");
    expect(await store.listInstances()).toEqual(["a", "b", "broken", "empty"]);
    expect(await store.getAllLatest()).toEqual([makeSummary("a", 2), makeSummary("b", 1)]);
    const warnings = calls.filter((c) => c.level === "warn").map((c) => c.message);
    expect(warnings).toHaveLength(2);
    expect(warnings.join("\n")).toMatch(/broken/);
    expect(warnings.join("\n")).toMatch(/empty/);
  });

  it("an invalid latest_summary.json reads as undefined with a warning", async () => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await mkdir(join(summaryDir, "a"), { recursive: true });
    await writeFile(
      join(summaryDir, "a", "latest_summary.json"),
      JSON.stringify({ ...makeSummary("a", 1), timestamp: "noon" }),
    );
    expect(await store.getLatest("a")).toBeUndefined();
    expect(calls.filter((c) => c.level === "warn")).toHaveLength(1);
  });

  it("a summary dir that does not exist yet holds no agents", async () => {
    const store = new SummaryStore(summaryDir);
    expect(await store.listInstances()).toEqual([]);
    expect(await store.getAllLatest()).toEqual([]);
  });
});

describe("write failures", () => {
  it("a summary dir that is a regular file fails with SummaryWriteError naming it, for writes and reads", async () => {
    await writeFile(summaryDir, "I am a file");
    const store = new SummaryStore(summaryDir);
    const error = await store.write(makeSummary("a", 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SummaryWriteError);
    const writeError = error as SummaryWriteError;
    expect(writeError.code).toBe("SUMMARY_WRITE_FAILED");
    expect(writeError.path).toBe(summaryDir);
    expect((writeError.cause as NodeJS.ErrnoException).code).toBe("EEXIST");
    expect(writeError.message).toBe(
      `cannot write ${summaryDir}: something that is not a directory is in its place (EEXIST); point summaryDir at a directory`,
    );
    const readError = await store.getAllLatest().catch((e: unknown) => e);
    expect(readError).toBeInstanceOf(SummaryReadError);
    expect((readError as Error).message).toBe(
      `cannot use ${summaryDir} as the summary directory: it is not a directory; choose a directory`,
    );
    expect(await readFile(summaryDir, "utf8")).toBe("I am a file");
  });

  it("a regular file above the summary dir fails with SummaryWriteError naming ENOTDIR", async () => {
    await writeFile(join(root, "state"), "I am a file");
    const store = new SummaryStore(join(root, "state", "summaries"));
    const error = await store.write(makeSummary("a", 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SummaryWriteError);
    expect((error as SummaryWriteError).path).toBe(join(root, "state", "summaries"));
    expect((error as Error).message).toMatch(
      /cannot write .*state\/summaries: not a directory: .*\(ENOTDIR\); point summaryDir/,
    );
  });

  it("a directory in the place of latest_summary.json fails and leaves the history untouched", async () => {
    await mkdir(join(summaryDir, "a", "latest_summary.json"), { recursive: true });
    const store = new SummaryStore(summaryDir);
    const error = await store.write(makeSummary("a", 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SummaryWriteError);
    expect((error as SummaryWriteError).path).toBe(join(summaryDir, "a", "latest_summary.json"));
    expect((await readdir(join(summaryDir, "a"))).sort()).toEqual(["latest_summary.json"]);
  });

  it("a failed write does not block the next write of the same agent", async () => {
    await mkdir(join(summaryDir, "a", "latest_summary.json"), { recursive: true });
    const store = new SummaryStore(summaryDir);
    await expect(store.write(makeSummary("a", 1))).rejects.toThrow(SummaryWriteError);
    await rm(join(summaryDir, "a", "latest_summary.json"), { recursive: true });
    await store.write(makeSummary("a", 2));
    expect(await store.getLatest("a")).toEqual(makeSummary("a", 2));
    expect(await store.getHistory("a")).toEqual([makeSummary("a", 2)]);
  });

  it("rejects bad constructor options", () => {
    expect(() => new SummaryStore(summaryDir, { maxHistoryBytes: 0 })).toThrow(InvalidOptionError);
    expect(() => new SummaryStore(summaryDir, { historyFiles: 1.5 })).toThrow(/historyFiles/);
    expect(() => new SummaryStore("")).toThrow(/summaryDir/);
  });
});
