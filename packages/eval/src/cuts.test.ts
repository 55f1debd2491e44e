import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CutPlanError,
  MAX_CUT_LINES,
  MIN_CUT_LINES,
  cutBytes,
  planCuts,
  splitLines,
} from "./cuts.js";

describe("planCuts", () => {
  it("covers the whole log in at least two cuts of 20–200 lines, the same for the same seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 40, max: 5000 }), fc.integer(), (lines, seed) => {
        const plan = planCuts(lines, seed);
        expect(plan.reduce((a, b) => a + b, 0)).toBe(lines);
        expect(plan.length).toBeGreaterThanOrEqual(2);
        for (const size of plan) {
          expect(size).toBeGreaterThanOrEqual(MIN_CUT_LINES);
          expect(size).toBeLessThanOrEqual(MAX_CUT_LINES);
        }
        expect(planCuts(lines, seed)).toEqual(plan);
      }),
    );
  });

  it("draws different plans from different seeds", () => {
    const plans = new Set([1, 2, 3, 4, 5, 6].map((seed) => planCuts(900, seed).join(",")));
    expect(plans.size).toBeGreaterThan(1);
  });

  it("refuses a log too short for two cuts, saying what to do", () => {
    expect(() => planCuts(39, 1)).toThrow(CutPlanError);
    expect(() => planCuts(39, 1)).toThrow(/at least 40 lines.*make the session longer/);
  });
});

describe("splitLines and cutBytes", () => {
  it("give back every byte, in order, with a last line left without its newline", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary", maxLength: 30 }), { minLength: 40, maxLength: 300 }),
        fc.boolean(),
        fc.integer(),
        (rows, open, seed) => {
          const text =
            rows.map((r) => `${r.replace(/\n/g, " ")}|`).join("\r\n") + (open ? "" : "\r\n");
          const bytes = Buffer.from(text, "utf8");
          const lines = splitLines(bytes);
          expect(lines).toHaveLength(rows.length);
          const pieces = cutBytes(lines, planCuts(lines.length, seed));
          expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
        },
      ),
    );
  });
});
