import { appendFile, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SummaryStore } from "../src/index.js";
import { makeSummary, recordingLogger, useSummaryDir } from "./helpers.js";

let root: string;
let summaryDir: string;
useSummaryDir((dirs) => ({ root, summaryDir } = dirs));

const SECRET = "s3cr3t-TOKEN-4f7a";

/** Whether `text` quotes any part of SECRET (JSON.parse quotes only the first 10 characters). */
function quotesSecret(text: string): boolean {
  return text.includes("s3cr3t") || text.includes("TOKEN");
}

/** Everything a log record holds, errors and their causes included, as one string. */
function everything(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field instanceof Error
      ? { name: field.name, message: field.message, stack: field.stack, cause: field.cause }
      : field,
  );
}

/** Latest files and history lines that are broken in every way the decoder reports. */
const broken: [string, string][] = [
  ["text that is not JSON", `${SECRET} is the token`],
  ["JSON cut short", `{"instance_id":"a","token":"${SECRET}`],
  ["a JSON string", JSON.stringify(SECRET)],
  ["a bad enum value", JSON.stringify({ ...makeSummary("a", 5), on_track_status: SECRET })],
  ["a bad timestamp", JSON.stringify({ ...makeSummary("a", 5), timestamp: SECRET })],
  ["a string for a list", JSON.stringify({ ...makeSummary("a", 5), recent_tools: SECRET })],
  ["a bad list item", JSON.stringify({ ...makeSummary("a", 5), drift_reasons: ["ok", 7] })],
  ["a bad number", JSON.stringify({ ...makeSummary("a", 5), confidence_score: SECRET })],
  ["another agent's id", JSON.stringify({ ...makeSummary(SECRET, 5) })],
];

describe("logs never quote what a summary file holds", () => {
  it.each(broken)("a latest_summary.json holding %s", async (_, content) => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("b", 1));
    await mkdir(join(summaryDir, "a"));
    await writeFile(join(summaryDir, "a", "latest_summary.json"), content);

    expect(await store.getLatest("a")).toBeUndefined();
    expect(await store.getAllLatest()).toEqual([makeSummary("b", 1)]);
    const warnings = calls.filter((c) => c.level === "warn");
    expect(warnings).toHaveLength(2);
    for (const warning of warnings) {
      expect(warning.message).toContain(join(summaryDir, "a", "latest_summary.json"));
    }
    expect(quotesSecret(everything(calls))).toBe(false);
  });

  it.each(broken)("a history line holding %s", async (_, content) => {
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("a", 0));
    const history = join(summaryDir, "a", "summary_history.jsonl");
    await appendFile(history, `${content}\n`);
    await store.write(makeSummary("a", 1));
    await appendFile(history, content.slice(0, -1)); // and as a torn last line

    expect(await store.getHistory("a")).toEqual([makeSummary("a", 1), makeSummary("a", 0)]);
    expect(calls.filter((c) => c.level === "warn")).toHaveLength(1);
    expect(calls.filter((c) => c.level === "debug")).toHaveLength(1);
    expect(quotesSecret(everything(calls))).toBe(false);
  });

  it("a latest_summary.json linked to a secret file is refused without reading it", async () => {
    const secretFile = join(root, "secret.txt");
    await writeFile(secretFile, `${SECRET}\n`);
    const { calls, logger } = recordingLogger();
    const store = new SummaryStore(summaryDir, { logger });
    await store.write(makeSummary("a", 1));
    await rm(join(summaryDir, "a", "latest_summary.json"));
    await symlink(secretFile, join(summaryDir, "a", "latest_summary.json"));

    const error: unknown = await store.getLatest("a").catch((e: unknown) => e);
    expect(quotesSecret(everything(error))).toBe(false);
    expect(await store.getAllLatest()).toEqual([]);
    expect(calls.filter((c) => c.level === "warn")).toHaveLength(1);
    expect(quotesSecret(everything(calls))).toBe(false);
  });
});
