import { describe, expect, it } from "vitest";
import { chromiumPath } from "./helpers/chromium.js";

describe("chromiumPath", () => {
  it("fails naming the install command when there is no Chromium", () => {
    expect(() => chromiumPath({}, "/nonexistent/chromium")).toThrow(
      /no \/nonexistent\/chromium; install Debian's Chromium with `apt-get install -y chromium`/,
    );
  });

  it("uses CHROMIUM_PATH when set, and refuses one that does not exist", () => {
    expect(chromiumPath({ CHROMIUM_PATH: process.execPath }, "/nonexistent")).toBe(
      process.execPath,
    );
    expect(() => chromiumPath({ CHROMIUM_PATH: "/nope/chrome" })).toThrow(
      /CHROMIUM_PATH=\/nope\/chrome does not exist.*apt-get install -y chromium/,
    );
  });
});
