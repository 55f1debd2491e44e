import { describe, expect, it } from "vitest";
import { formatTable, median, percentile, timeSync } from "./index.js";

describe("median and percentile", () => {
  it("take the middle value, interpolating between the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 0)).toBe(10);
    expect(percentile([10, 20, 30, 40, 50], 100)).toBe(50);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBe(46);
    expect(median([])).toBeNaN();
  });
});

describe("timeSync", () => {
  it("runs the function warmup + runs times and reports one time per run", () => {
    let calls = 0;
    const timing = timeSync(() => calls++, { runs: 4, warmup: 2 });
    expect(calls).toBe(6);
    expect(timing.runs).toHaveLength(4);
    expect(timing.minMs).toBeLessThanOrEqual(timing.medianMs);
    expect(timing.medianMs).toBeLessThanOrEqual(timing.maxMs);
  });
});

describe("formatTable", () => {
  it("aligns columns and marks missed targets", () => {
    const table = formatTable([
      { suite: "s", name: "fast", value: 1234567, unit: "ops/s", target: ">= 1", pass: true },
      { suite: "s", name: "slow one", value: 0.5, unit: "x", target: ">= 1", pass: false },
    ]);
    const lines = table.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain("1,234,567 ops/s");
    expect(lines[1]).toContain("ok");
    expect(lines[2]).toContain("0.500 x");
    expect(lines[2]).toContain("MISSED");
    expect(lines[1]!.indexOf("ops/s") - lines[1]!.indexOf("1,234")).toBeGreaterThan(0);
    expect(lines[0]!.indexOf("value")).toBe(lines[1]!.indexOf("1,234,567"));
  });
});
