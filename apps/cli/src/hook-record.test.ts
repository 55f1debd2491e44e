import { describe, expect, it } from "vitest";
import { HOOK_LINE_MAX_BYTES, PAYLOAD_TEXT_MAX_BYTES, hookRecordLine } from "./hook-record.js";

const base = { receivedAt: new Date("2026-12-01T10:00:00.000Z"), pid: 42, ppids: [41, 40] };

function parse(line: string): Record<string, unknown> {
  expect(line.endsWith("\n")).toBe(true);
  expect(line.indexOf("\n")).toBe(line.length - 1);
  expect(Buffer.byteLength(line)).toBeLessThan(HOOK_LINE_MAX_BYTES);
  return JSON.parse(line) as Record<string, unknown>;
}

describe("hookRecordLine", () => {
  it("writes the fixed fields in order, then the payload", () => {
    const line = hookRecordLine({ ...base, text: '{"hook_event_name":"Stop"}\n' });
    expect(line).toBe(
      '{"v":1,"received_at":"2026-12-01T10:00:00.000Z","pid":42,"ppids":[41,40],"payload":{"hook_event_name":"Stop"}}\n',
    );
  });

  it("keeps any JSON value as the payload, and text that is not JSON as payload_text", () => {
    expect(parse(hookRecordLine({ ...base, text: '"just a string"' })).payload).toBe(
      "just a string",
    );
    expect(parse(hookRecordLine({ ...base, text: "" }))).toMatchObject({
      payload: null,
      payload_text: "",
    });
    const torn = parse(hookRecordLine({ ...base, text: '{"hook_event_name":"St' }));
    expect(torn).toMatchObject({ payload: null, payload_text: '{"hook_event_name":"St' });
    expect(torn.truncated).toBeUndefined();
  });

  it("treats stdin that was cut off as text, and marks it truncated", () => {
    const line = parse(hookRecordLine({ ...base, text: '{"a":1}', cut: true }));
    expect(line).toMatchObject({ payload: null, payload_text: '{"a":1}', truncated: true });
  });

  it("keeps at most 64 KiB of text, never splitting a character", () => {
    const text = `${"a".repeat(PAYLOAD_TEXT_MAX_BYTES - 1)}€ and more`;
    const line = parse(hookRecordLine({ ...base, text }));
    expect(line.payload_text).toBe("a".repeat(PAYLOAD_TEXT_MAX_BYTES - 1));
    expect(line.truncated).toBe(true);
  });

  it("stays under the line limit for text that JSON escapes to six times its size", () => {
    const line = parse(hookRecordLine({ ...base, text: "\u0001".repeat(PAYLOAD_TEXT_MAX_BYTES) }));
    expect(line.truncated).toBe(true);
    expect((line.payload_text as string).length).toBeGreaterThan(10_000);
    expect(line.payload_text).toBe("\u0001".repeat((line.payload_text as string).length));
  });

  it("shortens long strings and keeps the short fields, without splitting a surrogate pair", () => {
    const content = `${"x".repeat(16_383)}😀${"y".repeat(400_000)}`;
    const payload = { session_id: "s", tool_input: { file_path: "/a", content }, n: 3 };
    const line = parse(hookRecordLine({ ...base, text: JSON.stringify(payload) }));
    expect(line.truncated).toBe(true);
    const kept = line.payload as typeof payload;
    expect(kept).toMatchObject({ session_id: "s", n: 3, tool_input: { file_path: "/a" } });
    expect(kept.tool_input.content).toBe(
      `${"x".repeat(16_383)}…[${content.length - 16_384} more characters]`,
    );
  });

  it("cuts huge arrays and deep nesting until the line fits", () => {
    const wide = { items: Array.from({ length: 100_000 }, (_, i) => i) };
    const line = parse(hookRecordLine({ ...base, text: JSON.stringify(wide) }));
    expect(line.truncated).toBe(true);
    expect((line.payload as typeof wide).items.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    let deep: unknown = "z".repeat(300_000);
    for (let i = 0; i < 1000; i++) deep = [deep];
    const nested = parse(hookRecordLine({ ...base, text: JSON.stringify({ deep, k: "v" }) }));
    expect(nested).toMatchObject({ payload: { k: "v" }, truncated: true });
  });
});
