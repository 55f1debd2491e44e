import { describe, expect, it } from "vitest";
import { initialState, reduce } from "./state.js";
import { at, snapshot, snapshotAgent, summary } from "../test/helpers/fixtures.js";
import { cardOf, costToday, countCards, idleSeconds, selectCards } from "./view.js";

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
    expect(ids("blocked")).toEqual(["perm", "stuck"]);
    expect(ids("exited")).toEqual(["gone"]);
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
      blocked: 2,
      unknown: 0,
      exited: 1,
      attention: 3,
      all: 6,
    });
  });

  it("counts an exited agent as exited, whatever its last status, live or from a snapshot", () => {
    // After a restart: only the stored summary, which carries activity_state.
    let restarted = reduce(initialState, {
      type: "message",
      receivedAt: NOW,
      message: snapshot([summary("done", 90, { activity_state: "exited" })]),
    });
    expect(countCards(restarted)).toMatchObject({ on_track: 0, exited: 1, all: 1 });
    // The monitor lists it, its state not yet restored: the summary's state holds.
    restarted = reduce(initialState, {
      type: "message",
      receivedAt: NOW,
      message: snapshot(
        [summary("done", 90, { on_track_status: "drifting", activity_state: "exited" })],
        [snapshotAgent("done")],
      ),
    });
    expect(countCards(restarted)).toMatchObject({ drifting: 0, exited: 1 });
    expect(selectCards(restarted, { status: "drifting", query: "" }, NOW)).toEqual([]);
    // Live: the monitor reports the exit.
    const live = reduce(state, {
      type: "message",
      receivedAt: NOW,
      message: {
        v: 1,
        type: "state_change",
        instance_id: "zeta",
        previous: { activity_state: "working", on_track_status: "on_track" },
        current: { activity_state: "exited", on_track_status: "on_track" },
        trigger: "exit",
        at: at(100),
      },
    });
    expect(countCards(live)).toMatchObject({ on_track: 1, exited: 2, all: 6 });
  });
});

describe("cardOf", () => {
  it("says exited for an exited agent, not its last on-track status", () => {
    const gone = selectCards(state, { status: "all", query: "gone" }, NOW)[0]!;
    expect(gone).toMatchObject({ status: "exited", exited: true, activityState: "exited" });
  });

  it("shows a waiting agent's prompt once, its lines kept", () => {
    const prompt =
      "Bash command\n  rm -rf node_modules\nDo you want to proceed?\n❯ 1. Yes\n  2. No";
    const line = prompt.replace(/\s+/g, " ");
    const entry = reduce(initialState, {
      type: "message",
      receivedAt: NOW,
      message: snapshot([
        summary("p", 90, {
          activity_state: "waiting_permission",
          on_track_status: "blocked",
          current_activity: `Waiting for permission: ${line}`,
          drift_reasons: [`waiting for permission: ${line}`],
          recommended_action: `Approve or deny the agent's request: ${prompt}`,
        }),
      ]),
    }).agents.get("p")!;
    const card = cardOf(entry, NOW, 0);
    expect(card).toMatchObject({
      currentActivity: "Waiting for permission",
      prompt,
      driftReasons: [],
      recommendedAction: "Approve or deny the agent's request",
    });
    const shown = [card.currentActivity, card.prompt, ...card.driftReasons, card.recommendedAction];
    expect(shown.join("\n").split("rm -rf node_modules")).toHaveLength(2);
  });

  it("shows every text from the server without control characters or escape sequences", () => {
    const entry = reduce(initialState, {
      type: "message",
      receivedAt: NOW,
      message: snapshot(
        [
          summary("n", 90, {
            current_activity: "Copying \u001b]52;c;ZXZpbA==\u0007the token\u001b[2J now",
            last_tool_used: "Bash\u001b[K",
            recent_tools: ["Read\u0008", "Bash"],
            drift_reasons: ["\u001b[1mbold\u001b[0m"],
            recommended_action: "Check\u001b]0;title\u001b\\ it\u0007",
          }),
        ],
        [
          snapshotAgent("n", {
            instance_name: "n\u001b[31m!",
            role: "dev\r\nops",
            assigned_task: "a\u0085b",
          }),
        ],
      ),
    }).agents.get("n")!;
    expect(cardOf(entry, NOW, 0)).toMatchObject({
      name: "n!",
      role: "dev ops",
      task: "ab",
      currentActivity: "Copying the token now",
      lastTool: "Bash",
      recentTools: ["Read", "Bash"],
      driftReasons: ["bold"],
      recommendedAction: "Check it",
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

describe("cost", () => {
  it("a card shows its session's cost, and the fleet's total counts the sessions active today", () => {
    const now = Date.parse("2026-12-06T15:00:00");
    const withCost = reduce(initialState, {
      type: "message",
      receivedAt: now,
      message: snapshot(
        [
          { ...summary("a", 90), timestamp: "2026-12-06T14:00:00", cost_usd: 1.25 },
          { ...summary("b", 90), timestamp: "2026-12-06T09:30:00", cost_usd: 0.5 },
          { ...summary("c", 90), timestamp: "2026-12-05T23:00:00", cost_usd: 9 },
          { ...summary("d", 90), timestamp: "2026-12-06T14:00:00" },
        ],
        [],
        100,
      ),
    });
    const cards = selectCards(withCost, { status: "all", query: "" }, now);
    expect(Object.fromEntries(cards.map((card) => [card.id, card.costUsd]))).toEqual({
      a: 1.25,
      b: 0.5,
      c: 9,
      d: null,
    });
    expect(costToday(withCost, now)).toEqual({ usd: 1.75, sessions: 2 });
    expect(costToday(state, NOW)).toBeNull();
  });
});
