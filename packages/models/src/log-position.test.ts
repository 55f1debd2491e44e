import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type LogPosition,
  ValidationError,
  parseLogPosition,
  positionKey,
  sameLogPosition,
} from "./index.js";

const position: LogPosition = {
  instance_id: "agent-123",
  log_type: "tmux_output",
  file_path: "/tmp/madrox_logs/instances/agent-123/tmux_output.log",
  last_byte_offset: 1024,
  last_line_number: 50,
  last_read_timestamp: "2026-01-15T10:30:00.000Z",
  checksum: "d41d8cd98f00b204e9800998ecf8427e",
};

function expectValidationError(input: unknown, ...fragments: string[]): ValidationError {
  let caught: unknown;
  try {
    parseLogPosition(input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ValidationError);
  const error = caught as ValidationError;
  expect(error.code).toBe("VALIDATION_FAILED");
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}

describe("LogPosition", () => {
  it("is created with all seven required fields", () => {
    expect(parseLogPosition(position)).toEqual(position);
  });

  it("keeps a zero offset and a very large offset", () => {
    expect(
      parseLogPosition({ ...position, last_byte_offset: 0, last_line_number: 0 }),
    ).toMatchObject({ last_byte_offset: 0, last_line_number: 0 });
    expect(
      parseLogPosition({ ...position, last_byte_offset: 999_999_999_999 }).last_byte_offset,
    ).toBe(999_999_999_999);
    const max = { ...position, last_byte_offset: Number.MAX_SAFE_INTEGER };
    expect(parseLogPosition(JSON.stringify(max))).toEqual(max);
  });

  it("accepts device and inode as decimal strings beyond 2^53", () => {
    const withIdentity = { ...position, device: "2049", inode: "18446744073709551615" };
    expect(parseLogPosition(JSON.stringify(withIdentity))).toEqual(withIdentity);
  });

  it("loads a position written by the Python implementation (timestamp without offset)", () => {
    const python = `{"instance_id": "a:b", "log_type": "tmux_output", "file_path": "/x.log",
      "last_byte_offset": 10, "last_line_number": 1,
      "last_read_timestamp": "2025-01-15T10:30:00.123456", "checksum": "0cc175b9c0f1b6a831c399e269772661"}`;
    expect(parseLogPosition(python).last_read_timestamp).toBe("2025-01-15T10:30:00.123456");
  });

  it("drops unknown fields so newer files still load", () => {
    expect(parseLogPosition({ ...position, extra: 1 })).toEqual(position);
  });

  it.each([
    [{ last_byte_offset: -1 }, "last_byte_offset", "-1"],
    [{ last_byte_offset: 1.5 }, "last_byte_offset", "1.5"],
    [{ last_byte_offset: Number.MAX_SAFE_INTEGER + 2 }, "last_byte_offset", "9007199254740992"],
    [{ last_byte_offset: "10" }, "last_byte_offset", '"10"'],
    [{ last_line_number: -3 }, "last_line_number", "-3"],
    [{ last_read_timestamp: "yesterday" }, "last_read_timestamp", '"yesterday"'],
    [{ checksum: "not-hex" }, "checksum", '"not-hex"'],
    [{ inode: 12 }, "inode", "12"],
    [{ device: "-1" }, "device", '"-1"'],
    [{ instance_id: null }, "instance_id", "null"],
  ] as [Partial<Record<keyof LogPosition, unknown>>, string, string][])(
    "rejects %j naming the field and the value",
    (change, field, value) => {
      const error = expectValidationError({ ...position, ...change }, "LogPosition", field, value);
      expect(error.issues[0]?.path).toEqual([field]);
    },
  );

  it("names a missing required field", () => {
    const { checksum: _omitted, ...rest } = position;
    expectValidationError(rest, "checksum", "missing");
  });

  it("rejects text that is not JSON and values that are not objects", () => {
    expectValidationError("{not json", "not valid JSON");
    expectValidationError(null, "LogPosition");
    expectValidationError([position], "LogPosition");
  });

  it("round-trips through JSON without loss", () => {
    const arbitraryPosition = fc.record({
      instance_id: fc.string({ unit: "binary" }),
      log_type: fc.string({ unit: "grapheme" }),
      file_path: fc.string({ unit: "binary" }),
      last_byte_offset: fc.maxSafeNat(),
      last_line_number: fc.maxSafeNat(),
      last_read_timestamp: fc
        .date({ min: new Date(0), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true })
        .map((d) => d.toISOString()),
      checksum: fc.stringMatching(/^[0-9a-f]{32}$/),
      device: fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
      inode: fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
    });
    fc.assert(
      fc.property(arbitraryPosition, (value) => {
        expect(parseLogPosition(JSON.stringify(value))).toEqual(value);
      }),
    );
  });

  it("keys positions as instance_id:log_type, keeping ':' inside ids", () => {
    expect(positionKey("agent-1", "tmux_output")).toBe("agent-1:tmux_output");
    expect(positionKey("a:b", "c")).toBe("a:b:c");
    expect(positionKey("", "")).toBe(":");
  });
});

describe("sameLogPosition", () => {
  it("compares every field, checksums without regard to case", () => {
    expect(sameLogPosition(position, { ...position })).toBe(true);
    expect(
      sameLogPosition(position, { ...position, checksum: position.checksum.toUpperCase() }),
    ).toBe(true);
    expect(sameLogPosition(position, { ...position, last_byte_offset: 1025 })).toBe(false);
    expect(sameLogPosition(position, { ...position, inode: "7" })).toBe(false);
    expect(
      sameLogPosition(position, { ...position, last_read_timestamp: "2026-01-15T10:30:01.000Z" }),
    ).toBe(false);
    expect(sameLogPosition(undefined, undefined)).toBe(true);
    expect(sameLogPosition(position, undefined)).toBe(false);
  });
});
