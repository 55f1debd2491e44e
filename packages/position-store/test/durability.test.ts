import { watch } from "node:fs";
import { link, mkdir, readFile, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { waitFor } from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import { PositionTracker, STATE_FILE_NAME } from "../src/index.js";
import { crc32 } from "node:zlib";
import {
  lockReleased,
  position,
  readSnapshotJson,
  readStateJson,
  recordingLogger,
  tempDir,
} from "./helpers.js";

const FILE = STATE_FILE_NAME;
const BAK = `${STATE_FILE_NAME}.bak`;
const JOURNAL = `${STATE_FILE_NAME}.journal`;
const FIXED_CLOCK = () => Date.UTC(2025, 0, 15, 10, 30, 0, 123);
const CORRUPT = `${STATE_FILE_NAME}.corrupt-2025-01-15T10-30-00-123Z`;

function stateText(...positions: ReturnType<typeof position>[]): string {
  return JSON.stringify(
    Object.fromEntries(positions.map((p) => [`${p.instance_id}:${p.log_type}`, p])),
    null,
    2,
  );
}

describe("atomic, durable writes", () => {
  it("a write appends one checksummed record to the journal; the state file is never rewritten in place", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("first"));
    const stateInode = (await stat(join(dir, FILE))).ino;
    const journalInode = (await stat(join(dir, JOURNAL))).ino;
    for (let i = 0; i < 5; i++) {
      await tracker.updatePosition(position("first", "tmux_output", { last_byte_offset: i }));
    }
    expect((await stat(join(dir, FILE))).ino).toBe(stateInode);
    expect((await stat(join(dir, JOURNAL))).ino).toBe(journalInode);
    const lines = (await readFile(join(dir, JOURNAL), "utf8")).split("\n");
    expect(lines.pop()).toBe(""); // every line is complete
    expect(lines).toHaveLength(6); // the header and one record per write
    for (const line of lines) {
      const [crc = "", ...rest] = line.split(" ");
      expect(crc32(rest.join(" ")).toString(16).padStart(8, "0")).toBe(crc);
    }
    expect(tracker.stats).toMatchObject({ writes: 6, compactions: 1 });
    expect((await readStateJson(dir))["first:tmux_output"]?.last_byte_offset).toBe(4);
    await tracker.close();
  });

  it("compaction replaces the state file through a uniquely named temp file and starts a new journal", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    const seen = new Set<string>();
    const watcher = watch(dir, (_event, name) => {
      if (name !== null) seen.add(name);
    });
    const inodes: bigint[] = [];
    for (let i = 0; i < 5; i++) {
      await tracker.updatePosition(position("first", "tmux_output", { last_byte_offset: i }));
      await tracker.compact();
      inodes.push((await stat(join(dir, FILE), { bigint: true })).ino);
      expect(await readSnapshotJson(dir)).toEqual({
        "first:tmux_output": position("first", "tmux_output", { last_byte_offset: i }),
      });
    }
    const tempNames = () =>
      [...seen].filter((name) =>
        /^monitor_positions\.json(\.journal)?\.\d+\.[0-9a-f]{12}\.tmp$/.test(name),
      );
    // fs.watch reports asynchronously: wait for the events of the five compactions
    await waitFor(
      () =>
        tempNames().filter((name) => !name.includes(".journal.")).length >= 5 &&
        tempNames().filter((name) => name.includes(".journal.")).length >= 5,
      { what: "fs.watch to report the temp files of five compactions" },
    ).catch(() => {}); // the expectations below say what is missing
    watcher.close();
    const temps = tempNames();
    expect(temps.filter((name) => !name.includes(".journal.")).length).toBeGreaterThanOrEqual(5);
    expect(temps.filter((name) => name.includes(".journal.")).length).toBeGreaterThanOrEqual(5);
    expect(new Set(temps).size).toBe(temps.length);
    expect(temps.every((name) => name.includes(`.${process.pid}.`))).toBe(true);
    // Replaced by a new file each time, never rewritten in place.
    for (let i = 1; i < inodes.length; i++) expect(inodes[i]).not.toBe(inodes[i - 1]);
    expect((await readdir(dir)).sort()).toEqual([FILE, BAK, JOURNAL]);
    // Nothing left to fold in: compact() writes nothing.
    const before = tracker.stats.compactions;
    await tracker.compact();
    expect(tracker.stats.compactions).toBe(before);
    await tracker.close();
  });

  it("after compactAfterIdleMs without writes the state file alone holds every position", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir, { compactAfterIdleMs: 20 });
    await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 1 }));
    await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 2 }));
    await tracker.updatePosition(position("b"));
    await waitFor(() => tracker.stats.compactions >= 2, {
      what: "the idle compactions",
    }).catch(() => {}); // the expectation below says how many there were
    expect(tracker.stats.compactions).toBe(2);
    expect(await readSnapshotJson(dir)).toEqual({
      "a:tmux_output": position("a", "tmux_output", { last_byte_offset: 2 }),
      "b:tmux_output": position("b"),
    });
    await tracker.close();
  });

  it("close() writes the journal into the state file, for programs that read only that file", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("a"));
    await tracker.updatePosition(position("b"));
    expect(Object.keys(await readSnapshotJson(dir))).toEqual(["a:tmux_output"]);
    await tracker.close();
    expect(Object.keys(await readSnapshotJson(dir)).sort()).toEqual([
      "a:tmux_output",
      "b:tmux_output",
    ]);
    expect(await readSnapshotJson(dir)).toEqual(await readStateJson(dir));
  });

  it("a journal past maxJournalBytes is folded into the state file by the next write", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir, { maxJournalBytes: 2048 });
    for (let i = 0; i < 40; i++) {
      await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: i }));
      expect((await stat(join(dir, JOURNAL))).size).toBeLessThanOrEqual(2048);
    }
    expect(tracker.stats.compactions).toBeGreaterThan(2);
    expect((await readStateJson(dir))["a:tmux_output"]?.last_byte_offset).toBe(39);
    await tracker.close();
  });

  it("a reader polling the file during many writes always finds complete, valid JSON", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("agent", "tmux_output", { last_byte_offset: 0 }));
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const text = await readFile(join(dir, FILE), "utf8");
        expect(() => JSON.parse(text) as unknown).not.toThrow();
        reads++;
      }
    })();
    for (let i = 1; i <= 150; i++) {
      await tracker.updatePositions([
        position("agent", "tmux_output", { last_byte_offset: i }),
        position(`filler-${i % 7}`, "tmux_output", { file_path: "x".repeat(i * 20) }),
      ]);
    }
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect((await readStateJson(dir))["agent:tmux_output"]?.last_byte_offset).toBe(150);
    await tracker.close();
  });

  it("a .bak that already is the state file (a write stopped before its rename) leaves no temp file", async () => {
    const dir = await tempDir();
    const setup = await PositionTracker.open(dir);
    await setup.updatePosition(position("a"));
    await setup.close();
    // What a writer killed between keeping the .bak and renaming its new state file leaves.
    await rm(join(dir, BAK), { force: true });
    await link(join(dir, FILE), join(dir, BAK));
    const before = await readFile(join(dir, FILE), "utf8");
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("b"));
    await tracker.compact();
    await lockReleased(dir);
    expect((await readdir(dir)).sort()).toEqual([FILE, BAK, JOURNAL]);
    expect(await readFile(join(dir, BAK), "utf8")).toBe(before);
    await tracker.close();
  });

  it("keeps the state file before it was last rewritten as monitor_positions.json.bak", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 1 }));
    const first = await readFile(join(dir, FILE), "utf8");
    await tracker.updatePosition(position("a", "tmux_output", { last_byte_offset: 2 }));
    await tracker.compact();
    expect(await readFile(join(dir, BAK), "utf8")).toBe(first);
    const second = await readFile(join(dir, FILE), "utf8");
    expect(JSON.parse(second)).toEqual({
      "a:tmux_output": position("a", "tmux_output", { last_byte_offset: 2 }),
    });
    await tracker.clearAllPositions();
    expect(await readFile(join(dir, BAK), "utf8")).toBe(second);
    expect(await readStateJson(dir)).toEqual({});
    expect(await readSnapshotJson(dir)).toEqual({});
    await tracker.close();
  });

  it("removes temp files left by a writer that died, at its first write", async () => {
    const dir = await tempDir();
    const leftovers = [
      `${FILE}.4242.0123456789ab.tmp`,
      `${FILE}.bak.4242.0123456789ab.tmp`,
      `${FILE}.journal.4242.0123456789ab.tmp`,
    ];
    for (const name of leftovers) await writeFile(join(dir, name), '{"torn": ');
    await writeFile(join(dir, "unrelated.tmp"), "keep me");
    const tracker = await PositionTracker.open(dir);
    await tracker.updatePosition(position());
    await lockReleased(dir);
    expect((await readdir(dir)).sort()).toEqual([FILE, JOURNAL, "unrelated.tmp"].sort());
    await tracker.close();
  });
});

describe("corrupt state files", () => {
  it.each([
    ["invalid JSON", '{"agent-1:tmux_output": {"instance_id": "agent-1", '],
    ["an empty file", ""],
    ["a JSON array", "[]"],
    ["JSON null", "null"],
    ["a JSON number", "42"],
    ["an object of which no entry is valid", '{"a:b": {"instance_id": "a"}, "c:d": 7}'],
  ])("%s is kept as .corrupt-<timestamp> and the .bak is used", async (_what, content) => {
    const dir = await tempDir();
    const good = stateText(position("from-bak"));
    await writeFile(join(dir, BAK), good);
    await writeFile(join(dir, FILE), content);
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger, clock: FIXED_CLOCK });
    expect(tracker.getAllPositions()).toEqual([position("from-bak")]);
    expect(await readFile(join(dir, CORRUPT), "utf8")).toBe(content);
    expect(await readStateJson(dir)).toEqual(JSON.parse(good));
    expect(warnings().some((w) => w.includes(join(dir, FILE)) && w.includes(CORRUPT))).toBe(true);
    expect(warnings().some((w) => w.includes("recovered 1 positions") && w.includes(BAK))).toBe(
      true,
    );
    await tracker.close();
  });

  it("starts empty when the state file is corrupt and there is no usable .bak, keeping both", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, FILE), "not json");
    await writeFile(join(dir, BAK), "{ also not json");
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger, clock: FIXED_CLOCK });
    expect(tracker.getAllPositions()).toEqual([]);
    expect(await readFile(join(dir, CORRUPT), "utf8")).toBe("not json");
    expect(await readFile(join(dir, BAK), "utf8")).toBe("{ also not json");
    expect(await readStateJson(dir)).toEqual({});
    expect(
      warnings().some((w) => w.includes("starting empty") && w.includes(join(dir, FILE))),
    ).toBe(true);
    await tracker.close();
  });

  it("never overwrites an earlier .corrupt file, even at the same timestamp", async () => {
    const dir = await tempDir();
    for (const content of ["first garbage", "second garbage"]) {
      await writeFile(join(dir, FILE), content);
      const tracker = await PositionTracker.open(dir, { clock: FIXED_CLOCK });
      await tracker.close();
    }
    expect(await readFile(join(dir, CORRUPT), "utf8")).toBe("first garbage");
    expect(await readFile(join(dir, `${CORRUPT}-1`), "utf8")).toBe("second garbage");
  });

  it("drops single invalid entries with a warning naming the file and keeps the rest", async () => {
    const dir = await tempDir();
    const data = {
      "good:tmux_output": position("good"),
      "bad-offset:tmux_output": position("bad-offset", "tmux_output", { last_byte_offset: -5 }),
      "missing-fields:tmux_output": { instance_id: "missing-fields" },
      "not-an-object:tmux_output": "hello",
    };
    await writeFile(join(dir, FILE), JSON.stringify(data, null, 2));
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger });
    expect(tracker.getAllPositions()).toEqual([position("good")]);
    const dropped = warnings().filter((w) => w.includes(join(dir, FILE)) && w.includes("dropped"));
    expect(dropped).toHaveLength(3);
    expect(dropped.join("\n")).toContain("last_byte_offset");
    expect((await readdir(dir)).sort()).toEqual([FILE]);
    await tracker.updatePosition(position("new"));
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual([
      "good:tmux_output",
      "new:tmux_output",
    ]);
    await tracker.close();
  });

  it("rebuilds a key from the entry's fields when it was stored under another key", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, FILE), JSON.stringify({ "wrong-key": position("a:b", "c:d") }));
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger });
    expect(tracker.getPosition("a:b", "c:d")).toEqual(position("a:b", "c:d"));
    expect(warnings().some((w) => w.includes('"wrong-key"') && w.includes('"a:b:c:d"'))).toBe(true);
    await tracker.close();
  });

  it("a state file corrupted after open is kept aside by the next write, which builds on the .bak and the journal", async () => {
    const dir = await tempDir();
    const tracker = await PositionTracker.open(dir, { clock: FIXED_CLOCK });
    await tracker.updatePosition(position("one"));
    await tracker.updatePosition(position("two"));
    await tracker.compact(); // the state file holds one and two; the .bak holds one
    await tracker.updatePosition(position("four")); // in the journal only
    await lockReleased(dir); // corrupted while no write is going on (see the README)
    await writeFile(join(dir, FILE), "\0\0\0\0 garbage");
    await tracker.updatePosition(position("three"));
    expect(await readFile(join(dir, CORRUPT), "utf8")).toBe("\0\0\0\0 garbage");
    // "two" was only in the file that got corrupted; "four" survives in the journal.
    const expected = ["four:tmux_output", "one:tmux_output", "three:tmux_output"];
    expect(Object.keys(await readStateJson(dir)).sort()).toEqual(expected);
    expect(Object.keys(await readSnapshotJson(dir)).sort()).toEqual(expected);
    expect(
      tracker
        .getAllPositions()
        .map((p) => p.instance_id)
        .sort(),
    ).toEqual(["four", "one", "three"]);
    await tracker.close();
  });

  it("when the corrupt file cannot be repaired, opening still works, using the .bak in memory", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, FILE), "garbage");
    await writeFile(join(dir, BAK), stateText(position("from-bak")));
    // A regular file where the lock directory goes, older than the stale threshold: proper-lockfile
    // tries to remove it as a stale lock and fails (ENOTDIR), even for root.
    await writeFile(join(dir, `${FILE}.lock`), "");
    await utimes(join(dir, `${FILE}.lock`), new Date(2000, 0, 1), new Date(2000, 0, 1));
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger, lockStaleMs: 2000 });
    expect(tracker.getAllPositions()).toEqual([position("from-bak")]);
    expect(await readFile(join(dir, FILE), "utf8")).toBe("garbage");
    expect(
      warnings().some((w) => w.includes("could not be repaired") && w.includes(join(dir, FILE))),
    ).toBe(true);
    await tracker.close();
  });

  it("opening never throws because of content: a directory of odd files opens", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "sub"));
    await writeFile(
      join(dir, FILE),
      JSON.stringify({ "x:y": { ...position("x", "y"), extra: [1, 2] } }),
    );
    const tracker = await PositionTracker.open(dir);
    expect(tracker.getPosition("x", "y")).toEqual(position("x", "y"));
    await tracker.close();
  });
});
