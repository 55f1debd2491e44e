import type { LogPosition } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import { sameLogPosition as samePosition } from "@agentwatch/models";
import { canonicalPosition, parseStateText, serializeState } from "./state-format.js";

const base: LogPosition = {
  instance_id: "a",
  log_type: "t",
  file_path: "/a.log",
  last_byte_offset: 1,
  last_line_number: 1,
  last_read_timestamp: "2025-01-15T10:30:00.123456",
  checksum: "abcdef",
};
const at = (instance_id: string, log_type = "t"): LogPosition => ({
  ...base,
  instance_id,
  log_type,
});

describe("state file format", () => {
  it("serializes sorted by key with two-space indentation and a final newline", () => {
    const text = serializeState([at("b"), at("a"), at("a:z")]);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["a:t", "a:z:t", "b:t"]);
    expect(text.split("\n")[1]).toBe('  "a:t": {');
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("canonical positions drop undefined optional fields, so they compare and serialize alike", () => {
    const withUndefined = { ...base, device: undefined, inode: undefined };
    expect(Object.keys(canonicalPosition(withUndefined))).not.toContain("device");
    expect(samePosition(canonicalPosition(withUndefined), canonicalPosition(base))).toBe(true);
    expect(samePosition(base, { ...base, inode: "1" })).toBe(false);
  });

  it("reads a file with a UTF-8 byte order mark", () => {
    const parsed = parseStateText(`\uFEFF${serializeState([at("a")])}`);
    expect(parsed.ok && [...parsed.positions.keys()]).toEqual(["a:t"]);
  });

  it("an entry stored under its own key wins over one that only rebuilds to it", () => {
    const text = JSON.stringify({
      elsewhere: { ...at("a"), file_path: "/other.log" },
      "a:t": at("a"),
    });
    const parsed = parseStateText(text);
    expect(parsed.ok && parsed.positions.get("a:t")?.file_path).toBe("/a.log");
    expect(parsed.ok && parsed.problems.map((p) => p.key)).toEqual(["elsewhere"]);
  });

  it("a key holding __proto__ is an ordinary entry", () => {
    const parsed = parseStateText(JSON.stringify({ "__proto__:t": at("__proto__") }));
    expect(parsed.ok && parsed.positions.get("__proto__:t")?.instance_id).toBe("__proto__");
    expect(JSON.parse(serializeState([at("__proto__")])) as object).toHaveProperty(["__proto__:t"]);
  });

  it("reports why a whole file is unusable", () => {
    expect(parseStateText("[1]")).toEqual({
      ok: false,
      reason: "expected a JSON object of positions, got an array",
    });
    expect(parseStateText('{"x": 1}')).toEqual({
      ok: false,
      reason: "none of its 1 entries is a valid LogPosition",
    });
    expect(parseStateText("{").ok).toBe(false);
  });
});
