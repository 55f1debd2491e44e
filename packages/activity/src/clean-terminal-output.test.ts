import { describe, expect, it } from "vitest";
import { cleanTerminalOutput } from "./clean-terminal-output.js";
import { InvalidActivityInputError } from "./errors.js";

const ESC = "\u001b";

describe("cleanTerminalOutput: escape sequences", () => {
  it("removes SGR colours, CSI private modes and synchronized-output markers", () => {
    expect(
      cleanTerminalOutput([
        `${ESC}[?25l${ESC}[?2026h${ESC}[1;32m✓${ESC}[0m passed${ESC}[?2026l${ESC}[?25h`,
      ]),
    ).toEqual(["✓ passed"]);
  });

  it("removes OSC strings ended by BEL and by ST, and an unterminated one to the end of the line", () => {
    expect(
      cleanTerminalOutput([
        `${ESC}]0;✳ Claude Code\u0007hello`,
        `${ESC}]8;;https://example.com${ESC}\\link${ESC}]8;;${ESC}\\ text`,
        `before${ESC}]2;title never ends`,
      ]),
    ).toEqual(["hello", "link text", "before"]);
  });

  it("removes charset selects, two-byte escapes, DCS strings and 8-bit CSI", () => {
    expect(
      cleanTerminalOutput([
        `${ESC}(B${ESC}[m${ESC}=${ESC}>a${ESC}P1$r0m${ESC}\\b\u009b31mc\u009b0m`,
      ]),
    ).toEqual(["abc"]);
  });

  it("drops lone C0 and C1 controls but keeps tabs", () => {
    expect(cleanTerminalOutput(["a\u0000b\u0007c\u000e\u007fd\u0085e\tf"])).toEqual(["abcde\tf"]);
  });

  it("drops a lone ESC at the end of a line and an ESC before a control character", () => {
    expect(cleanTerminalOutput([`abc${ESC}`, `x${ESC}\u0007y`])).toEqual(["abc", "xy"]);
  });
});

describe("cleanTerminalOutput: redraws", () => {
  it("a carriage return overwrites from column 0 and keeps the longer earlier tail", () => {
    expect(cleanTerminalOutput(["Downloading 100%\rDone"])).toEqual(["Doneloading 100%"]);
  });

  it("a carriage return followed by erase-line leaves only the new text", () => {
    expect(cleanTerminalOutput([`⠋ Installing\r⠙ Installing\r${ESC}[Kadded 12 packages`])).toEqual([
      "added 12 packages",
    ]);
  });

  it("backspaces move the cursor left so later text overwrites", () => {
    expect(cleanTerminalOutput(["abc\b\bX", `$ npm cj\b${ESC}[Ki`])).toEqual(["aXc", "$ npm ci"]);
  });

  it("erase to the start of the line blanks up to the cursor, and later writes show through", () => {
    expect(
      cleanTerminalOutput([`hello world${ESC}[6G${ESC}[1K`, `abcdef${ESC}[4G${ESC}[1KXY`]),
    ).toEqual(["      world", "   XYf"]);
  });

  it("cursor-up frame redraws (as ink writes them) replace the earlier frame", () => {
    const erase3 = `${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[G`;
    expect(
      cleanTerminalOutput([
        "✢ Thinking… (1s · esc to interrupt)",
        "❯ fix",
        `${erase3}✶ Thinking… (2s · esc to interrupt)`,
        "❯ fix it",
      ]),
    ).toEqual(["✶ Thinking… (2s · esc to interrupt)", "❯ fix it"]);
  });

  it("absolute cursor positions overwrite the row they name", () => {
    expect(
      cleanTerminalOutput([`${ESC}[2J${ESC}[H`, "line one", "line two", `${ESC}[2;6HONE`]),
    ).toEqual(["line ONE", "line two"]);
  });

  it("delete and insert characters shift the rest of the row", () => {
    expect(cleanTerminalOutput([`abcdef${ESC}[3D${ESC}[2P`, `abcdef${ESC}[3D${ESC}[2@`])).toEqual([
      "abcf",
      "abc  def",
    ]);
  });

  it("what a full-screen program showed on the alternate screen stays in the transcript", () => {
    expect(
      cleanTerminalOutput([
        "$ less notes.txt",
        `${ESC}[?1049h${ESC}[Hnotes`,
        `${ESC}[?1049l$ echo done`,
        "done",
      ]),
    ).toEqual(["$ less notes.txt", "notes", "$ echo done", "done"]);
  });

  it("saved and restored cursor positions return to the saved column", () => {
    expect(cleanTerminalOutput([`abc${ESC}7def${ESC}8X`])).toEqual(["abcXef"]);
  });

  it("huge cursor moves cannot pad a row without bound", () => {
    const [line] = cleanTerminalOutput([`a${ESC}[99999999999Cb${ESC}[999999999999Gc`]);
    expect(line!.startsWith("a")).toBe(true);
    expect(line!.length).toBeLessThan(600);
  });

  it("keeps a 10 MB line intact", () => {
    const big = "x".repeat(10 * 1024 * 1024);
    const out = cleanTerminalOutput(["before", big, "after"]);
    expect(out).toHaveLength(3);
    expect(out[1]!.length).toBe(big.length);
  });

  it("resolves a 2 MB line of carriage-return redraws to its last frame", () => {
    const frames = Array.from(
      { length: 20_000 },
      (_, i) => `progress ${String(i).padStart(5, "0")}${"#".repeat(80)}`,
    );
    const out = cleanTerminalOutput([frames.join("\r")]);
    expect(out).toEqual([frames[frames.length - 1]]);
  });
});

describe("cleanTerminalOutput: noise", () => {
  it("drops blank lines, frame and rule lines, and lone spinner glyphs", () => {
    expect(
      cleanTerminalOutput([
        "",
        "   ",
        "─".repeat(40),
        "╭────╮",
        "=".repeat(20),
        "⠋",
        " ✻ ",
        "real text",
      ]),
    ).toEqual(["real text"]);
  });

  it("removes box borders around text, nested ones too", () => {
    expect(
      cleanTerminalOutput(["│ ✻ Welcome to Claude Code!   │", "│ │ src/a.ts   │ │", "│  │"]),
    ).toEqual(["✻ Welcome to Claude Code!", "src/a.ts"]);
  });

  it("keeps a status line that is text, such as a spinner with its words", () => {
    expect(
      cleanTerminalOutput(["✶ Transfiguring… (9m 34s · ↓ 64.5k tokens · esc to interrupt)"]),
    ).toEqual(["✶ Transfiguring… (9m 34s · ↓ 64.5k tokens · esc to interrupt)"]);
  });
});

describe("cleanTerminalOutput: arguments", () => {
  it("throws InvalidActivityInputError for something that is not an array of strings", () => {
    expect(() => cleanTerminalOutput("text" as unknown as string[])).toThrow(
      InvalidActivityInputError,
    );
    expect(() => cleanTerminalOutput(["a", 3] as unknown as string[])).toThrow(
      /lines\[1\] must be a string/,
    );
  });
});
