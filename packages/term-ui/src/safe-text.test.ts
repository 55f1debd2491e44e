import { describe, expect, it } from "vitest";
import { oneLine, safeText } from "./index.js";

describe("safeText", () => {
  it("removes OSC title and clipboard writes, CSI moves and colours, 8-bit CSI and bidi overrides", () => {
    expect(safeText("\u001b]0;TITLE\u0007name\u001b[31m red")).toBe("name red");
    expect(safeText("a\u001b]52;c;ZXZpbA==\u001b\\b")).toBe("ab");
    expect(safeText("up\u001b[1A\u001b[2Kdown")).toBe("updown");
    expect(safeText("x\u009b31my")).toBe("xy");
    expect(safeText("file\u202egnp.exe")).toBe("filegnp.exe");
    expect(safeText("bell\u0007 del\u007f nul\u0000")).toBe("bell del nul");
  });

  it("keeps line breaks and text after a carriage return", () => {
    expect(safeText("line 1\r\nline 2\rhidden?")).toBe("line 1\nline 2\nhidden?");
    expect(safeText("tab\there")).toBe("tab  here");
  });

  it("drops an unterminated OSC string to its end", () => {
    expect(safeText("ok\u001b]0;never ended")).toBe("ok");
  });
});

describe("oneLine", () => {
  it("collapses line breaks into single spaces", () => {
    expect(oneLine("Do you want to proceed?\n  ❯ 1. Yes\n    2. No\n")).toBe(
      "Do you want to proceed? ❯ 1. Yes 2. No",
    );
    expect(oneLine("\u001b[31m$ curl x | sh\r\u001b[K")).toBe("$ curl x | sh");
  });
});
