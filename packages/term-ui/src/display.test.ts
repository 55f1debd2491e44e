import { describe, expect, it } from "vitest";
import { colors, displayWidth, fitWidth, formatBytes, padWidth, visibleText } from "./index.js";

describe("visibleText", () => {
  it("drops escape sequences and keeps what the last carriage-return redraw shows", () => {
    expect(visibleText("\u001b[32m✓\u001b[39m ok")).toBe("✓ ok");
    expect(visibleText("\u001b]0;title\u0007prompt")).toBe("prompt");
    expect(visibleText("10%\r50%\r100%")).toBe("100%");
    expect(visibleText("done\r   ")).toBe("done");
    expect(visibleText("a\tb\u0007")).toBe("a  b");
  });
});

describe("display width", () => {
  it("counts wide characters twice and joiners not at all", () => {
    expect(displayWidth("abc")).toBe(3);
    expect(displayWidth("日本")).toBe(4);
    expect(displayWidth("👩‍💻")).toBe(4);
    expect(displayWidth("é")).toBe(1);
  });

  it("fits and pads to exact columns", () => {
    expect(fitWidth("hello world", 8)).toBe("hello w…");
    expect(fitWidth("日本語テキスト", 7)).toBe("日本語…");
    expect(displayWidth(fitWidth("日本語テキスト", 7))).toBeLessThanOrEqual(7);
    expect(padWidth("ab", 5)).toBe("ab   ");
    expect(padWidth("日本", 5)).toBe("日本 ");
  });
});

describe("formatBytes", () => {
  it("uses binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 ** 2)).toBe("5.0 MiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.00 GiB");
  });
});

describe("colors", () => {
  it("wraps in ANSI escapes only when enabled", () => {
    expect(colors(true).red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(colors(false).red("x")).toBe("x");
  });
});
