import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PositionTracker } from "@agentwatch/position-store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IncrementalLogReader } from "../src/index.js";
import { FakeClock, T0, makeTempDir, removeDir } from "./helpers.js";

let dir: string;
let stateDir: string;
let log: string;
let clock: FakeClock;
const open: PositionTracker[] = [];

async function openTracker(): Promise<PositionTracker> {
  const tracker = await PositionTracker.open(stateDir);
  open.push(tracker);
  return tracker;
}

beforeEach(async () => {
  dir = await makeTempDir();
  stateDir = join(dir, "monitoring_state");
  log = join(dir, "instances", "agent-1", "tmux_output.log");
  await mkdir(join(dir, "instances", "agent-1"), { recursive: true });
  clock = new FakeClock(T0);
});

afterEach(async () => {
  for (const tracker of open.splice(0)) await tracker.close().catch(() => {});
  await removeDir(dir);
});

describe("with the durable PositionTracker", () => {
  it("a restarted reader resumes from the saved monitor_positions.json without re-reading", async () => {
    await writeFile(log, "one\ntwo\n");
    const first = await openTracker();
    const reader = new IncrementalLogReader({ positionTracker: first, clock: clock.clock });
    expect((await reader.readNewContent("agent-1", log)).lines).toEqual(["one", "two"]);
    await first.close();

    const saved = JSON.parse(
      await readFile(join(stateDir, "monitor_positions.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(saved["agent-1:tmux_output"]).toMatchObject({
      last_byte_offset: 8,
      last_line_number: 2,
    });

    await appendFile(log, "three\n");
    const second = await openTracker();
    const restarted = new IncrementalLogReader({ positionTracker: second, clock: clock.clock });
    const result = await restarted.readNewContent("agent-1", log);
    expect(result.lines).toEqual(["three"]);
    expect(result.totalLines).toBe(3);
  });

  it("lines read but not committed before a restart are read again (at-least-once)", async () => {
    await writeFile(log, "one\n");
    const first = await openTracker();
    const reader = new IncrementalLogReader({ positionTracker: first, clock: clock.clock });
    await reader.readNewContent("agent-1", log);
    await appendFile(log, "two\n");
    expect((await reader.read("agent-1", log)).lines).toEqual(["two"]); // crash: no commit
    await first.close();
    const second = await openTracker();
    const restarted = new IncrementalLogReader({ positionTracker: second, clock: clock.clock });
    expect((await restarted.readNewContent("agent-1", log)).lines).toEqual(["two"]);
  });

  it("a position saved by the Python implementation resumes without a re-read", async () => {
    const content = "Line 1\nLine 2\nLine 3\n";
    await writeFile(log, `${content}Line 4\n`);
    await mkdir(stateDir, { recursive: true });
    const python = {
      "agent-1:tmux_output": {
        instance_id: "agent-1",
        log_type: "tmux_output",
        file_path: log,
        last_byte_offset: 21,
        last_line_number: 3,
        last_read_timestamp: "2025-01-15T10:30:00.123456",
        checksum: createHash("md5").update(content.slice(0, 16)).digest("hex"),
      },
    };
    await writeFile(join(stateDir, "monitor_positions.json"), JSON.stringify(python, null, 2));
    const tracker = await openTracker();
    const reader = new IncrementalLogReader({ positionTracker: tracker, clock: clock.clock });
    const result = await reader.readNewContent("agent-1", log);
    expect(result).toMatchObject({
      lines: ["Line 4"],
      totalLines: 4,
      rotated: false,
      truncated: false,
    });
  });

  it("idle polls write nothing to the state file", async () => {
    await writeFile(log, "one\n");
    const tracker = await openTracker();
    const reader = new IncrementalLogReader({ positionTracker: tracker, clock: clock.clock });
    await reader.readNewContent("agent-1", log);
    const writes = tracker.stats.writes;
    for (let i = 0; i < 5; i++) {
      clock.advance(12_000);
      await reader.readNewContent("agent-1", log);
    }
    expect(tracker.stats.writes).toBe(writes);
  });
});
