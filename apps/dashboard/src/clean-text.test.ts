import { describe, expect, it } from "vitest";
import { cleanLine, cleanText } from "./clean-text.js";

/** A control character other than line feed and tab. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const PIECES = [
  "\u001b",
  "\u001b[",
  "\u001b]",
  "\u009b",
  "\u009d",
  "\u0007",
  "\r",
  "\n",
  "a",
  "; ",
  "é",
  "👩‍💻",
];

/** `count` strings of up to 12 pieces (escape starts, controls, text), from a fixed seed. */
function samples(count: number): string[] {
  let seed = 20_260_115;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: next(13) }, () =>
      next(3) === 0 ? String.fromCharCode(next(0xa0)) : PIECES[next(PIECES.length)],
    ).join(""),
  );
}

/** Every string of a character 0..0x9f, or an escape start, followed by a character 0..0x9f. */
function pairs(): string[] {
  const chars = Array.from({ length: 0xa0 }, (_, code) => String.fromCharCode(code));
  return [...chars, "\u001b[", "\u001b]"].flatMap((a) => chars.map((b) => `${a}${b}x`));
}

describe("cleanText", () => {
  it("removes OSC, CSI and other escape sequences, with their payloads", () => {
    expect(cleanText("Copying \u001b]52;c;ZXZpbA==\u0007the token\u001b[2J now")).toBe(
      "Copying the token now",
    );
    expect(cleanText("\u001b]0;title\u001b\\ok")).toBe("ok"); // ended by ST
    expect(cleanText("\u001b[1;31mred\u001b[0m \u001b[?25lx\u001b[K")).toBe("red x");
    expect(cleanText("\u001b(Bcharset\u001b7saved\u001b8\u001b=")).toBe("charsetsaved");
    expect(cleanText("\u001bPdevice control\u001b\\ and \u001b_apc\u0007done")).toBe(" and done");
    // 8-bit forms
    expect(cleanText("a\u009b31mb\u009d8;;http://x\u009cc")).toBe("abc");
  });

  it("drops an escape sequence cut short, an unended OSC up to the end of its line", () => {
    expect(cleanText("before\u001b[3")).toBe("before");
    expect(cleanText("x\u001b")).toBe("x");
    expect(cleanText("copy \u001b]52;c;c2VjcmV0")).toBe("copy ");
    expect(cleanText("a\u001b]0;title\nnext line")).toBe("a\nnext line");
  });

  it("removes control characters but keeps line breaks, as \\n", () => {
    expect(cleanText("bell\u0007 nul\u0000 bs\u0008 del\u007f c1\u0085 vt\u000b ff\u000c")).toBe(
      "bell nul bs del c1 vt ff",
    );
    expect(cleanText("one\r\ntwo\rthree\u2028four\u2029five\nsix")).toBe(
      "one\ntwo\nthree\nfour\nfive\nsix",
    );
    expect(cleanText("\tindented")).toBe("  indented");
  });

  it("removes bidirectional overrides, which make text read otherwise than it is", () => {
    expect(cleanText("access \u202elevel\u202c \u2066admin\u2069\u200f")).toBe(
      "access level admin",
    );
  });

  it("keeps ordinary text, emoji and other scripts as they are", () => {
    const text = "❯ 1. Yes — 👩‍💻 テスト <b>&amp;</b> ^[[2J \\u001b";
    expect(cleanText(text)).toBe(text);
  });

  it("leaves no control character in anything, and changes nothing cleaned twice", () => {
    for (const text of [...pairs(), ...samples(5000)]) {
      const once = cleanText(text);
      if (CONTROL.test(once) || cleanText(once) !== once) {
        expect.fail(`cleanText(${JSON.stringify(text)}) = ${JSON.stringify(once)}`);
      }
    }
  });
});

describe("cleanLine", () => {
  it("is cleanText on one line: line breaks become one space, no space at the ends", () => {
    expect(cleanLine("  \u001b[1mbold\u001b[0m reason\r\n\r\n  second line\n")).toBe(
      "bold reason second line",
    );
    expect(cleanLine("noisy\u001b[31m-agent\u001b[0m")).toBe("noisy-agent");
    expect(cleanLine("")).toBe("");
  });

  it("leaves no control character or line break in anything", () => {
    for (const text of [...pairs(), ...samples(5000)]) {
      const line = cleanLine(text);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f-\u009f]/.test(line)) {
        expect.fail(`cleanLine(${JSON.stringify(text)}) = ${JSON.stringify(line)}`);
      }
    }
  });
});
