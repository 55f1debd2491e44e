import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileBytes } from "../test/hostile-bytes.js";
import { decodeGroup, decodeLine, truncationSuffix, utf8CutPoint } from "./line-decode.js";

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

describe("decodeGroup", () => {
  /** The lines of `bytes` (which end with \n), each decoded alone by decodeLine. */
  function oneByOne(bytes: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, start)) {
      const length = newline - start;
      const last = length > 0 ? bytes[newline - 1]! : -1;
      lines.push(decodeLine(bytes, start, length, last, 1_000_000));
      start = newline + 1;
    }
    return lines;
  }

  it("gives exactly the strings of decoding each line alone, on hostile bytes", () => {
    fc.assert(
      fc.property(hostileBytes, (body) => {
        const bytes = Buffer.concat([body, Buffer.from([0x0a])]); // a group ends with \n
        expect(decodeGroup(bytes, 0, bytes.length - 1)).toEqual(oneByOne(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("replaces a character truncated right before \\n, and only it, with U+FFFD", () => {
    const bytes = Buffer.from([0xe2, 0x82, 0x0a, 0x61, 0xf0, 0x9f, 0x9a, 0x0d, 0x0a, 0x0a]);
    expect(decodeGroup(bytes, 0, bytes.length - 1)).toEqual(["\uFFFD", "a\uFFFD", ""]);
  });

  it("decodes a group inside a larger buffer without looking outside it", () => {
    const bytes = Buffer.from("\xe2\x82skip\nab\r\ncd\n\xe2\x82\n\xbfnext", "latin1");
    const from = bytes.indexOf(0x0a) + 1;
    const last = bytes.lastIndexOf(0x0a);
    expect(decodeGroup(bytes, from, last)).toEqual(["ab", "cd", "\uFFFD"]);
  });
});
