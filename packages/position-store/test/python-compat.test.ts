import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PositionTracker, STATE_FILE_NAME } from "../src/index.js";
import { PACKAGE_DIR, recordingLogger, tempDir } from "./helpers.js";

// Written by test/fixtures/make_python_fixture.py the way the Python PositionTracker writes it:
// json.dump(indent=2), \u escapes, isoformat() timestamps without timezone, no device/inode.
const FIXTURE = join(PACKAGE_DIR, "test", "fixtures", "python-monitor_positions.json");

describe("compatibility with the Python implementation's monitor_positions.json", () => {
  it("a file written by the Python implementation loads, keys rebuilt from the fields", async () => {
    const dir = await tempDir();
    await copyFile(FIXTURE, join(dir, STATE_FILE_NAME));
    const { logger, warnings } = recordingLogger();
    const tracker = await PositionTracker.open(dir, { logger });
    expect(warnings()).toEqual([]);
    expect(tracker.getAllPositions()).toHaveLength(3);
    expect(tracker.getPosition("agent-123", "tmux_output")).toEqual({
      instance_id: "agent-123",
      log_type: "tmux_output",
      file_path: "/tmp/madrox_logs/instances/agent-123/tmux_output.log",
      last_byte_offset: 20480,
      last_line_number: 512,
      last_read_timestamp: "2025-01-15T10:30:00.123456",
      checksum: "4b7ec6cdab1ac1bb49ea1729606aba86",
    });
    expect(tracker.getPosition("orchestrator:main", "tmux_output")?.last_read_timestamp).toBe(
      "2025-01-15T10:30:00",
    );
    expect(tracker.getPosition("агент-ü", "stderr")?.last_byte_offset).toBe(
      Number.MAX_SAFE_INTEGER,
    );
    await tracker.close();
  });

  it("after a write the file still holds the Python entries with the same keys and fields", async () => {
    const dir = await tempDir();
    await copyFile(FIXTURE, join(dir, STATE_FILE_NAME));
    const tracker = await PositionTracker.open(dir);
    await tracker.removePosition("no-such", "log"); // no write
    await tracker.updatePosition({
      ...(tracker.getPosition("agent-123", "tmux_output") ?? ({} as never)),
      last_byte_offset: 30000,
    });
    await tracker.close();
    const python = JSON.parse(await readFile(FIXTURE, "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    const ours = JSON.parse(await readFile(join(dir, STATE_FILE_NAME), "utf8")) as typeof python;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(python).sort());
    for (const [key, entry] of Object.entries(python)) {
      expect(Object.keys(ours[key] ?? {})).toEqual(Object.keys(entry)); // same fields, same order
    }
    expect(ours["agent-123:tmux_output"]?.last_byte_offset).toBe(30000);
    expect(ours["агент-ü:stderr"]).toEqual(python["агент-ü:stderr"]);
  });
});
