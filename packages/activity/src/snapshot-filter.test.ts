import { describe, expect, it } from "vitest";
import { SnapshotFilter, type SnapshotCarry } from "./snapshot-filter.js";

const RULE = "=".repeat(80);
let stamp = 0;
function header(): string[] {
  stamp++;
  return ["", RULE, `[2025-01-15T10:00:${String(stamp).padStart(2, "0")}.123456]`, RULE];
}

/** Runs rows through a filter (optionally in several calls) and returns what passed. */
function pass(calls: string[][], complete = true): string[] {
  let carry: SnapshotCarry | undefined;
  const out: string[] = [];
  for (let c = 0; c < calls.length; c++) {
    const filter = new SnapshotFilter(
      carry ? (JSON.parse(JSON.stringify(carry)) as SnapshotCarry) : undefined,
    );
    calls[c]!.forEach((text, i) => filter.push({ text, source: i, rowId: i }));
    if (complete && c === calls.length - 1) filter.end();
    out.push(...filter.drain().map((r) => r.text));
    carry = filter.carry();
  }
  return out.filter((t) => t !== "");
}

const history = Array.from({ length: 30 }, (_, i) => `history line ${i}`);
const live = ["────", "❯", "────", "? for shortcuts"];

describe("SnapshotFilter", () => {
  it("passes input without snapshot headers unchanged", () => {
    expect(pass([["a", RULE, "b", "[not a stamp]", "c"]])).toEqual([
      "a",
      RULE,
      "b",
      "[not a stamp]",
      "c",
    ]);
  });

  it("passes the first snapshot in full and drops the header lines", () => {
    expect(pass([[...header(), ...history.slice(0, 3)]])).toEqual(history.slice(0, 3));
  });

  it("of full-scrollback snapshots keeps only what each adds, even when the live area changed", () => {
    const first = [...history.slice(0, 20), ...live];
    const second = [
      ...history.slice(0, 20),
      "new 1",
      "new 2",
      "✶ Working… (esc to interrupt)",
      ...live,
    ];
    const third = [...history.slice(0, 20), "new 1", "new 2", "new 3", ...live];
    const out = pass([[...header(), ...first, ...header(), ...second, ...header(), ...third]]);
    expect(out).toEqual([
      ...first,
      "new 1",
      "new 2",
      "✶ Working… (esc to interrupt)",
      ...live,
      "new 3",
      ...live,
    ]);
  });

  it("of screens that scrolled keeps only the lines below the overlap", () => {
    const first = history.slice(0, 24);
    const second = [...history.slice(6, 24), "fresh a", "fresh b"];
    expect(pass([[...header(), ...first, ...header(), ...second]])).toEqual([
      ...first,
      "fresh a",
      "fresh b",
    ]);
  });

  it("finds nothing new in an identical snapshot", () => {
    const snap = [...history.slice(0, 10), ...live, "", "", ""];
    expect(pass([[...header(), ...snap, ...header(), ...snap]])).toEqual(
      snap.filter((t) => t !== ""),
    );
  });

  it("takes a snapshot with no overlap at all (a cleared screen) as new in full", () => {
    const out = pass([
      [...header(), ...history.slice(0, 10), ...header(), "after clear 1", "after clear 2"],
    ]);
    expect(out).toEqual([...history.slice(0, 10), "after clear 1", "after clear 2"]);
  });

  it("gives the same result when a snapshot and its header are cut across calls", () => {
    const first = [...history.slice(0, 20), ...live];
    const second = [...history.slice(0, 20), "new 1", "new 2", ...live];
    const all = [...header(), ...first, ...header(), ...second];
    const whole = pass([all]);
    for (const size of [1, 2, 3, 5, 11]) {
      const calls: string[][] = [];
      for (let i = 0; i < all.length; i += size) calls.push(all.slice(i, i + size));
      expect(pass(calls)).toEqual(whole);
    }
  });

  it("holds the start of a snapshot until it is clear what is new, and bounds what it holds", () => {
    const filter = new SnapshotFilter();
    const rows = [...header(), ...history, ...header(), ...history.slice(0, 5)];
    rows.forEach((text, i) => filter.push({ text, source: i, rowId: i }));
    expect(
      filter
        .drain()
        .map((r) => r.text)
        .filter(Boolean),
    ).toEqual(history);
    expect(filter.carry().held.length).toBe(5);
    expect(filter.screenWhileHolding()).toEqual(history);
    const big = new SnapshotFilter();
    [...header(), "x", "y", "z", ...header()].forEach((text, i) =>
      big.push({ text, source: i, rowId: i }),
    );
    for (let i = 0; i < 5000; i++) big.push({ text: `line ${i}`, source: i, rowId: i });
    expect(big.carry().held.length).toBeLessThanOrEqual(2000 + 256);
  });
});
