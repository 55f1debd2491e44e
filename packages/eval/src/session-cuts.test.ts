import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { entryTimes, sessionCuts, sessionCwd } from "./session-cuts.js";
import { sessionPath } from "./session-home.js";

const START = Date.parse("2025-06-02T08:40:00.000Z");

function entry(object: object): Buffer {
  return Buffer.from(`${JSON.stringify(object)}\n`);
}

/** Entries written at these offsets (seconds from START), in order. */
function timed(offsets: readonly number[]): Buffer[] {
  return offsets.map((s, i) =>
    entry({ type: "user", n: i, timestamp: new Date(START + s * 1000).toISOString() }),
  );
}

const plans = fc.array(fc.integer({ min: 20, max: 200 }), { minLength: 2, maxLength: 12 });
const offsets = fc
  .array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 })
  .map((steps) => steps.map((_, i) => steps.slice(0, i + 1).reduce((a, b) => a + b, 0)));

describe("sessionCuts", () => {
  it("grows the session as a prefix, one size per terminal cut, the whole file after the last", () => {
    fc.assert(
      fc.property(offsets, plans, (at, plan) => {
        const entries = timed(at);
        const cuts = sessionCuts(entries, plan);
        expect(cuts).toHaveLength(plan.length);
        expect(cuts.every((size) => size >= 0)).toBe(true);
        expect(cuts.reduce((a, b) => a + b, 0)).toBe(entries.length);
      }),
    );
  });

  it("after each terminal cut holds exactly the entries written by that share of the session's span", () => {
    fc.assert(
      fc.property(offsets, plans, (at, plan) => {
        const span = (at.at(-1) ?? 0) - (at[0] ?? 0);
        fc.pre(span > 0);
        const cuts = sessionCuts(timed(at), plan);
        const total = plan.reduce((a, b) => a + b, 0);
        let shown = 0;
        let had = 0;
        for (let k = 0; k + 1 < plan.length; k++) {
          shown += plan[k] ?? 0;
          had += cuts[k] ?? 0;
          const until = (at[0] ?? 0) + (span * shown) / total;
          expect(at.slice(0, had).every((s) => s <= until)).toBe(true);
          if (had < at.length) expect(at[had]).toBeGreaterThan(until);
        }
        // the first entries are there at the first poll and the last ones only at the end
        expect(cuts[0]).toBeGreaterThan(0);
        expect(cuts.at(-1)).toBeGreaterThan(0);
      }),
    );
  });

  it("cuts by share of entries when the session has no timestamps", () => {
    const entries = Array.from({ length: 10 }, (_, i) => entry({ type: "note", n: i }));
    expect(entryTimes(entries).every((at) => at === null)).toBe(true);
    expect(sessionCuts(entries, [25, 25, 50])).toEqual([3, 2, 5]);
  });

  it("takes an entry without a time as written with the one before it", () => {
    const entries = [
      ...timed([0]),
      entry({ type: "x" }),
      ...timed([10]),
      entry({ type: "y" }),
      ...timed([20]),
    ];
    // half the terminal: up to 10 s, so the entry after the 10 s one (no time) comes too
    expect(sessionCuts(entries, [50, 50])).toEqual([4, 1]);
  });
});

describe("sessionCwd", () => {
  it("reads a Claude Code entry's cwd and a Codex rollout's session_meta cwd", () => {
    expect(
      sessionCwd([Buffer.from("not json\n"), entry({ type: "user", cwd: "/home/a/app" })]),
    ).toBe("/home/a/app");
    expect(sessionCwd([entry({ type: "session_meta", payload: { id: "x", cwd: "/srv/b" } })])).toBe(
      "/srv/b",
    );
    expect(sessionCwd([Buffer.from("\n")])).toBeNull();
  });
});

describe("sessionPath", () => {
  it("puts a session where its tool writes it in the fake home, and refuses a path outside it", () => {
    const form = {
      format: "claude-transcript" as const,
      file: "claude-transcript.jsonl",
      written_as: "~/.claude/projects/-home-a-app/s.jsonl",
    };
    expect(sessionPath("/tmp/h", form)).toBe("/tmp/h/.claude/projects/-home-a-app/s.jsonl");
    expect(() => sessionPath("/tmp/h", { ...form, written_as: "~/../etc/x.jsonl" })).toThrow(
      /expected a path under ~\/ without "\.\."/,
    );
    expect(() => sessionPath("/tmp/h", { ...form, written_as: "/etc/x.jsonl" })).toThrow(
      /fix the case's case.json/,
    );
  });
});
