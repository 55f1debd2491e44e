import { describe, expect, it } from "vitest";
import { decodeLine, truncationSuffix, utf8CutPoint } from "./line-decode.js";

describe("utf8CutPoint", () => {
  const bytes = Buffer.from("a€🚀"); // 1 + 3 + 4 bytes
  it.each([
    [0, 0],
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 4],
    [5, 4],
    [7, 4],
    [8, 8],
  ])("cuts %i bytes back to %i so no character is split", (end, expected) => {
    expect(utf8CutPoint(bytes, 0, end)).toBe(expected);
  });

  it("leaves invalid bytes to the decoder", () => {
    expect(utf8CutPoint(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]), 0, 5)).toBe(5);
  });
});

describe("decodeLine", () => {
  it("removes exactly one trailing \\r", () => {
    expect(decodeLine(Buffer.from("ab\r\r"), 0, 4, 0x0d, 100)).toBe("ab\r");
  });

  it("cuts and marks a line longer than maxLineBytes, counting the skipped bytes", () => {
    expect(decodeLine(Buffer.from("€€€"), 0, 9, 0xac, 4)).toBe(`€${truncationSuffix(6)}`);
  });

  it("counts the bytes beyond what was kept when only a prefix was kept", () => {
    expect(decodeLine(Buffer.from("abcdef"), 0, 1000, 0x61, 5)).toBe(
      `abcde${truncationSuffix(995)}`,
    );
  });
});
