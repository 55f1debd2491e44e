import { ON_TRACK_STATUSES } from "@agentwatch/models";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidReplyError } from "./errors.js";
import { parseConfidence, parseJudgement } from "./judgement.js";

const valid = {
  current_activity: "Running the auth tests",
  on_track_status: "on_track",
  confidence_score: 0.85,
  drift_reasons: [],
  alignment_keywords: ["jwt"],
  recommended_action: null,
};

function rejection(value: unknown): InvalidReplyError {
  try {
    parseJudgement(value, "test");
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidReplyError);
    return error as InvalidReplyError;
  }
  throw new Error("expected parseJudgement to throw");
}

describe("parseConfidence", () => {
  it.each([
    [0, 0],
    [1, 1],
    [0.37, 0.37],
    [7, 0.7],
    [10, 1],
    [85, 0.85],
    [250, 1],
    [-0.2, 0],
    ["0.8", 0.8],
    ["7", 0.7],
    ["85%", 0.85],
    ["HIGH", 0.8],
    ["medium", 0.5],
    [" low ", 0.2],
  ])("reads %j as %d", (input, expected) => {
    expect(parseConfidence(input)).toBeCloseTo(expected, 10);
  });

  it.each([["very"], [Number.NaN], [null], [{}], [true], [""]])("rejects %j", (input) => {
    expect(parseConfidence(input)).toBeUndefined();
  });

  it("keeps every value from 0 to 1 exactly", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (value) => {
        expect(parseConfidence(value)).toBe(value === 0 ? 0 : value);
      }),
    );
  });
});

describe("parseJudgement", () => {
  it("keeps a valid verdict as it is", () => {
    expect(parseJudgement(valid, "test")).toEqual(valid);
  });

  it("reads a status in any case and separator", () => {
    expect(parseJudgement({ ...valid, on_track_status: "ON_TRACK" }, "t").on_track_status).toBe(
      "on_track",
    );
    expect(parseJudgement({ ...valid, on_track_status: "Off-Track" }, "t").on_track_status).toBe(
      "off_track",
    );
  });

  it("turns a status that is not one of the five into unknown", () => {
    expect(parseJudgement({ ...valid, on_track_status: "sideways" }, "t").on_track_status).toBe(
      "unknown",
    );
    expect(parseJudgement({ ...valid, on_track_status: 3 }, "t").on_track_status).toBe("unknown");
  });

  it("keeps confidence 0.0, 0.37 and 1.0 exactly", () => {
    for (const value of [0, 0.37, 1])
      expect(parseJudgement({ ...valid, confidence_score: value }, "t").confidence_score).toBe(
        value,
      );
  });

  it('reads confidence 7 as 0.7 and "high" as 0.8', () => {
    expect(parseJudgement({ ...valid, confidence_score: 7 }, "t").confidence_score).toBe(0.7);
    expect(parseJudgement({ ...valid, confidence_score: "high" }, "t").confidence_score).toBe(0.8);
  });

  it("defaults missing optional fields", () => {
    const minimal = {
      current_activity: "Reading",
      on_track_status: "drifting",
      confidence_score: 0.5,
    };
    expect(parseJudgement(minimal, "t")).toEqual({
      ...minimal,
      drift_reasons: [],
      alignment_keywords: [],
      recommended_action: null,
    });
  });

  it("caps lists at 10 items of 200 characters and takes a single string as a list", () => {
    const long = "x".repeat(500);
    const judgement = parseJudgement(
      {
        ...valid,
        drift_reasons: Array.from({ length: 25 }, (_, i) => `${i} ${long}`),
        alignment_keywords: "jwt",
      },
      "t",
    );
    expect(judgement.drift_reasons).toHaveLength(10);
    for (const reason of judgement.drift_reasons) expect(reason.length).toBeLessThanOrEqual(200);
    expect(judgement.alignment_keywords).toEqual(["jwt"]);
  });

  it("reads none as no recommended action", () => {
    expect(parseJudgement({ ...valid, recommended_action: "None" }, "t").recommended_action).toBe(
      null,
    );
  });

  it("rejects a JSON array instead of an object", () => {
    expect(rejection([valid]).message).toContain("expected a JSON object");
  });

  it.each([
    [{ ...valid, current_activity: undefined }, "current_activity"],
    [{ ...valid, current_activity: "  " }, "current_activity"],
    [{ ...valid, on_track_status: undefined }, "on_track_status"],
    [{ ...valid, confidence_score: "very sure" }, "confidence_score"],
    [{ ...valid, drift_reasons: [{ why: "x" }] }, "drift_reasons"],
    [{ ...valid, recommended_action: 42 }, "recommended_action"],
  ])("rejects %j naming the field", (value, field) => {
    expect(rejection(value).message).toContain(field);
  });

  it("gives a valid verdict or an InvalidReplyError for any JSON value", () => {
    const field = fc.oneof(fc.jsonValue(), fc.constantFrom(...ON_TRACK_STATUSES, "HIGH", 7));
    const reply = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          current_activity: field,
          on_track_status: field,
          confidence_score: field,
          drift_reasons: field,
          alignment_keywords: field,
          recommended_action: field,
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(reply, (value) => {
        let judgement;
        try {
          judgement = parseJudgement(value, "t");
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidReplyError);
          return;
        }
        expect(ON_TRACK_STATUSES).toContain(judgement.on_track_status);
        expect(judgement.confidence_score).toBeGreaterThanOrEqual(0);
        expect(judgement.confidence_score).toBeLessThanOrEqual(1);
        expect(judgement.current_activity.length).toBeGreaterThan(0);
        expect(judgement.drift_reasons.length).toBeLessThanOrEqual(10);
        expect(judgement.alignment_keywords.length).toBeLessThanOrEqual(10);
      }),
    );
  });
});
