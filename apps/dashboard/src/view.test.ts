import { describe, expect, it } from "vitest";
import { initialState, reduce } from "./state.js";
import { at, snapshot, snapshotAgent, summary } from "../test/helpers/fixtures.js";
import { countCards, idleSeconds, selectCards } from "./view.js";

const NOW = Date.parse(at(100));

const state = reduce(initialState, {
  type: "message",
  receivedAt: NOW,
  message: snapshot(
    [
      summary("zeta", 90),
      summary("alpha", 90, { on_track_status: "drifting", drift_reasons: ["edits docs"] }),
      summary("input", 90, { on_track_status: "on_track", activity_state: "waiting_input" }),
      summary("stuck", 90, { on_track_status: "blocked" }),
      summary("perm", 90, { on_track_status: "blocked", activity_state: "waiting_permission" }),
      summary("gone", 90, { on_track_status: "blocked", activity_state: "exited" }),
    ],
    [snapshotAgent("zeta", { instance_name: "Zeta", role: "reviewer" })],
    100,
  ),
});

describe("selectCards", () => {
  it("pins permission, then input, then blocked agents at the top, the rest by name", () => {
    const cards = selectCards(state, { status: "all", query: "" }, NOW);
    expect(cards.map((c) => c.id)).toEqual(["perm", "input", "stuck", "alpha", "gone", "zeta"]);
    expect(cards.map((c) => c.attention)).toEqual([
      "waiting_permission",
      "waiting_input",
      "blocked",
      null,
      null,
      null,
    ]);
  });

  it("filters by status, by attention and by a name search", () => {
    const ids = (status: Parameters<typeof selectCards>[1]["status"], query = "") =>
      selectCards(state, { status, query }, NOW).map((c) => c.id);
    expect(ids("drifting")).toEqual(["alpha"]);
    expect(ids("blocked")).toEqual(["perm", "stuck", "gone"]);
    expect(ids("attention")).toEqual(["perm", "input", "stuck"]);
    expect(ids("all", "ZET")).toEqual(["zeta"]);
    expect(ids("all", "review")).toEqual(["zeta"]); // the role matches too
    expect(ids("on_track", "alp")).toEqual([]);
  });

  it("shows the card's fields from the summary and the agent info", () => {
    const zeta = selectCards(state, { status: "all", query: "zeta" }, NOW)[0]!;
    expect(zeta).toMatchObject({
      name: "Zeta",
      role: "reviewer",
      status: "on_track",
      confidence: 0.7,
      lastTool: "Bash",
      recentTools: ["Read", "Bash"],
      currentActivity: "activity at 90",
    });
  });
});

describe("countCards", () => {
  it("counts by status, attention and in all", () => {
    expect(countCards(state)).toEqual({
      on_track: 2,
      drifting: 1,
      off_track: 0,
      blocked: 3,
      unknown: 0,
      attention: 3,
      all: 6,
    });
  });
});

describe("idleSeconds", () => {
  it("adds the time since the summary, by the server's clock, and is null once exited", () => {
    const entry = reduce(initialState, {
      type: "message",
      receivedAt: NOW,
      message: snapshot([summary("a", 90, { idle_duration_seconds: 5 })], [], 130),
    }).agents.get("a")!;
    // server clock 30 s ahead: at local NOW the server says 130 s, the summary was made at 90 s
    expect(idleSeconds(entry, NOW, 30_000)).toBe(45);
    expect(idleSeconds(entry, NOW + 10_000, 30_000)).toBe(55);
    expect(idleSeconds({ ...entry, activity_state: "exited" }, NOW, 0)).toBeNull();
  });
});
