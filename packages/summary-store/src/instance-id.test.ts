import { describe, expect, it } from "vitest";
import { InvalidInstanceIdError } from "./errors.js";
import { MAX_INSTANCE_ID_BYTES, assertValidInstanceId, instanceDir } from "./instance-id.js";

describe("instance ids", () => {
  it.each([
    ["an empty id", ""],
    ["a dot", "."],
    ["two dots", ".."],
    ["a traversal", "../x"],
    ["a nested path", "a/b"],
    ["a backslash", "a\\b"],
    ["a Windows traversal", "..\\x"],
    ["an absolute path", "/etc"],
    ["a NUL", "a\0b"],
    ["129 ASCII bytes", "a".repeat(129)],
    ["43 three-byte characters (129 bytes)", "€".repeat(43)],
  ])("rejects %s", (_, id) => {
    expect(() => assertValidInstanceId(id)).toThrow(InvalidInstanceIdError);
  });

  it.each([
    ["a typical id", "agent-123"],
    ["dots inside", "a..b"],
    ["a leading dot", ".hidden"],
    ["unicode", "агент-φ-🤖"],
    ["exactly 128 bytes", "a".repeat(MAX_INSTANCE_ID_BYTES)],
    ["42 three-byte characters (126 bytes)", "€".repeat(42)],
  ])("accepts %s", (_, id) => {
    expect(() => assertValidInstanceId(id)).not.toThrow();
  });

  it("rejects a non-string id with a message saying what was expected", () => {
    expect(() => assertValidInstanceId(42)).toThrow(/expected a string/);
  });

  it("the error carries the id, a stable code and what to do", () => {
    const error = (() => {
      try {
        assertValidInstanceId("../etc");
      } catch (e) {
        return e as InvalidInstanceIdError;
      }
      throw new Error("expected a throw");
    })();
    expect(error.code).toBe("INVALID_INSTANCE_ID");
    expect(error.instanceId).toBe("../etc");
    expect(error.message).toMatch(/"\.\.\/etc".*path separator.*use 1 to 128 bytes/);
  });

  it("resolves a valid id to a direct child of the summary dir", () => {
    expect(instanceDir("/var/summaries", "agent-1")).toBe("/var/summaries/agent-1");
    expect(instanceDir("/var/summaries/", "a..b")).toBe("/var/summaries/a..b");
  });
});
