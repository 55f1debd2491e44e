// The journal beside monitor_positions.json: what a crash, damage or another program leaves in it
// and how the store reads it. Each test builds the files as that situation leaves them.
import { appendFile, link, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PositionTracker, STATE_FILE_NAME } from "../src/index.js";
import {
  position,
  readSnapshotJson,
  readStateJson,
  recordingLogger,
  startChild,
  tempDir,
} from "./helpers.js";

const FILE = STATE_FILE_NAME;
const JOURNAL = `${STATE_FILE_NAME}.journal`;
const FIXED_CLOCK = () => Date.UTC(2025, 0, 15, 10, 30, 0, 123);
const JOURNAL_CORRUPT = `${JOURNAL}.corrupt-2025-01-15T10-30-00-123Z`;

/** A store with `a` in the state file and `a` at offset 2 and `b` in two journal records. */
async function withJournal(dir: string): Promise<void> {
  const tracker = await PositionTracker.open(dir);
  await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 1 }));
  await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 2 }));
  await tracker.updatePosition(position("b"));
  // Left as a killed process leaves it: no close(), which would fold the journal in.
  expect(Object.keys(await readSnapshotJson(dir))).toEqual(["a:tmux_output"]);
}

describe("the journal", () => {
  it("a restarted store resumes from the state file and its journal", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger });
    expect(tracker.getPosition("a", "tmux_output")?.last_byte_offset).toBe(2);
    expect(tracker.getPosition("b", "tmux_output")).toEqual(position("b"));
    expect(warnings()).toEqual([]);
    await tracker.close();
  });

  it("a tracker that only reads leaves the files alone on close, even with records in the journal", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    const before = await Promise.all([FILE, JOURNAL].map((name) => stat(join(dir, name))));
    const reader = await PositionTracker.open(dir, { compactAfterIdleMs: 1 });
    expect(reader.getPosition("b", "tmux_output")).toEqual(position("b"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await reader.close();
    expect(reader.stats).toMatchObject({ writes: 0, compactions: 0 });
    const after = await Promise.all([FILE, JOURNAL].map((name) => stat(join(dir, name))));
    for (const [n, info] of after.entries()) {
      expect([info.ino, info.size, info.mtimeMs]).toEqual([
        before[n]?.ino,
        before[n]?.size,
        before[n]?.mtimeMs,
      ]);
    }
  });

  it("a record cut by a crash is ignored, and cut off before the next record is appended", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    const whole = await readFile(join(dir, JOURNAL), "utf8");
    await appendFile(join(dir, JOURNAL), '1234abcd {"seq":3,"set":[{"instance_id":"c"');
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger });
    expect(tracker.getPosition("c", "tmux_output")).toBeUndefined();
    await tracker.updatePosition(position("d"));
    const journal = await readFile(join(dir, JOURNAL), "utf8");
    expect(journal.startsWith(whole)).toBe(true);
    expect(journal.slice(whole.length)).toMatch(
      /^[0-9a-f]{8} \{"seq":3,"set":\[\{"instance_id":"d"/,
    );
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual([
      "a:tmux_output",
      "b:tmux_output",
      "d:tmux_output",
    ]);
    expect(warnings()).toEqual([]);
    await tracker.close();
  });

  it("a damaged record is kept aside as .corrupt-<timestamp>; the records before it are used", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    const original = await readFile(join(dir, JOURNAL), "utf8");
    const lines = original.split("\n");
    lines[1] = (lines[1] ?? "").replace('"last_byte_offset":2', '"last_byte_offset":9');
    await writeFile(join(dir, JOURNAL), lines.join("\n"));
    const damaged = await readFile(join(dir, JOURNAL), "utf8");
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger, clock: FIXED_CLOCK });
    // Record 1 (a at 2) is damaged: neither it nor record 2 (b) after it is trusted.
    expect(tracker.getAllPositions()).toEqual([
      position("a", "tmux_output", { last_byte_offset: 1 }),
    ]);
    expect(await readFile(join(dir, JOURNAL_CORRUPT), "utf8")).toBe(damaged);
    expect(
      warnings().some((w) => w.includes(join(dir, JOURNAL)) && w.includes("checksum mismatch")),
    ).toBe(true);
    // Repaired under the lock: the state file holds what was read, the new journal nothing.
    expect(await readSnapshotJson(dir)).toEqual(await readStateJson(dir));
    expect((await readFile(join(dir, JOURNAL), "utf8")).split("\n")).toHaveLength(2);
    await tracker.close();
  });

  it("a journal of another agentwatch version is kept aside and not applied", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    const text = await readFile(join(dir, JOURNAL), "utf8");
    const future = text.replace(/^[0-9a-f]{8} (.*)$/m, (_line, json: string) => {
      const header = { ...(JSON.parse(json) as object), version: 2 };
      const payload = JSON.stringify(header);
      return `${crc32Hex(payload)} ${payload}`;
    });
    await writeFile(join(dir, JOURNAL), future);
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger, clock: FIXED_CLOCK });
    expect(tracker.getAllPositions()).toEqual([
      position("a", "tmux_output", { last_byte_offset: 1 }),
    ]);
    expect(await readFile(join(dir, JOURNAL_CORRUPT), "utf8")).toBe(future);
    expect(warnings().some((w) => w.includes("another agentwatch version"))).toBe(true);
    await tracker.close();
  });

  it("a state file replaced by another program (the Python implementation) wins over the journal", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    // Python writes a temp file and renames it over monitor_positions.json.
    await writeFile(join(dir, "python.tmp"), JSON.stringify({ "x:tmux_output": position("x") }));
    await rename(join(dir, "python.tmp"), join(dir, FILE));
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger });
    expect(tracker.getAllPositions()).toEqual([position("x")]);
    expect(
      warnings().some((w) => w.includes(join(dir, JOURNAL)) && w.includes("does not continue")),
    ).toBe(true);
    await tracker.updatePosition(position("y"));
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual([
      "x:tmux_output",
      "y:tmux_output",
    ]);
    await tracker.close();
  });

  it("a state file deleted by hand (a reset) is not brought back by the journal", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    await rm(join(dir, FILE));
    const tracker = await PositionTracker.open(dir);
    expect(tracker.getAllPositions()).toEqual([]);
    await tracker.updatePosition(position("z"));
    expect(Object.keys(await readStateJson(dir))).toEqual(["z:tmux_output"]);
    await tracker.close();
  });

  it("a compaction stopped between the state file and the new journal loses nothing and warns not", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    const complete = await readStateJson(dir);
    // What compaction does before it starts the new journal: the old state file becomes the
    // .bak (a hard link), and the complete state is renamed over the state file.
    await link(join(dir, FILE), join(dir, `${FILE}.bak`));
    await writeFile(join(dir, "next.tmp"), JSON.stringify(complete, null, 2));
    await rename(join(dir, "next.tmp"), join(dir, FILE));
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger });
    expect(
      Object.fromEntries(
        tracker.getAllPositions().map((p) => [`${p.instance_id}:${p.log_type}`, p]),
      ),
    ).toEqual(complete);
    expect(warnings()).toEqual([]);
    await tracker.close();
  });

  it("opening needs no lock while the journal continues the state file", async () => {
    const dir = await tempDir();
    await withJournal(dir);
    const holder = startChild("hold-lock.ts", [dir]);
    try {
      await holder.waitForLine((line) => line === "locked", {
        what: "the holder to take the lock",
      });
      const { logger, warnings } = recordingLogger();
      const tracker = await PositionTracker.open(dir, { lockTimeoutMs: 100, logger });
      expect(tracker.getPosition("b", "tmux_output")).toEqual(position("b"));
      // Had it needed the lock, it would have waited 100 ms and warned that it fell back.
      expect(warnings()).toEqual([]);
      await tracker.close(); // it wrote nothing, so it folds nothing in and needs no lock either
      expect(await readStateJson(dir)).toMatchObject({ "b:tmux_output": position("b") });
    } finally {
      await holder.stop("SIGKILL");
    }
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });
});

function crc32Hex(text: string): string {
  return crc32(text).toString(16).padStart(8, "0");
}
