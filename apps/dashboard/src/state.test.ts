import { describe, expect, it } from "vitest";
import type { ServerMessage } from "./protocol.js";
import { type DashboardState, STRIP_LENGTH, initialState, reduce } from "./state.js";
import { at, snapshot, snapshotAgent, summary } from "../test/helpers/fixtures.js";

const T0 = Date.parse(at(100));

function apply(state: DashboardState, ...messages: ServerMessage[]): DashboardState {
  return messages.reduce(
    (s, message) => reduce(s, { type: "message", message, receivedAt: T0 }),
    state,
  );
}

describe("reduce", () => {
  it("builds one entry per agent from a snapshot, with the monitor's live state winning", () => {
    const state = apply(
      initialState,
      snapshot(
        [
          summary("a", 1),
          summary("b", 2, { on_track_status: "drifting", activity_state: "working" }),
        ],
        [
          snapshotAgent("b", { activity_state: "waiting_permission", on_track_status: "blocked" }),
          snapshotAgent("c"),
        ],
      ),
    );
    expect([...state.agents.keys()].sort()).toEqual(["a", "b", "c"]);
    expect(state.loaded).toBe(true);
    const b = state.agents.get("b")!;
    expect(b.activity_state).toBe("waiting_permission");
    expect(b.on_track_status).toBe("blocked");
    expect(b.info?.instance_name).toBe("b name");
    expect(b.statuses).toEqual([{ timestamp: at(2), status: "drifting" }]);
    expect(state.agents.get("c")?.summary).toBeNull();
  });

  it("replaces a summary only with one as new or newer, but records every status", () => {
    let state = apply(initialState, snapshot([summary("a", 10)]));
    state = apply(state, {
      v: 1,
      type: "summary_update",
      summary: summary("a", 5, { on_track_status: "off_track" }),
    });
    expect(state.agents.get("a")?.summary?.timestamp).toBe(at(10));
    expect(state.agents.get("a")?.statuses.map((p) => p.status)).toEqual(["off_track", "on_track"]);
    state = apply(state, {
      v: 1,
      type: "summary_update",
      summary: summary("a", 20, { on_track_status: "drifting", activity_state: "idle" }),
    });
    expect(state.agents.get("a")?.summary?.timestamp).toBe(at(20));
    expect(state.agents.get("a")?.on_track_status).toBe("drifting");
    expect(state.agents.get("a")?.activity_state).toBe("idle");
  });

  it("applies state changes at once, before the summary", () => {
    let state = apply(initialState, snapshot([summary("a", 1)]));
    state = apply(state, {
      v: 1,
      type: "state_change",
      instance_id: "a",
      previous: { activity_state: "working", on_track_status: "on_track" },
      current: { activity_state: "waiting_input", on_track_status: null },
      trigger: "read",
      at: at(2),
    });
    expect(state.agents.get("a")?.activity_state).toBe("waiting_input");
    expect(state.agents.get("a")?.on_track_status).toBe("on_track");
  });

  it("adds and removes agents, and a new snapshot keeps the strips seen so far", () => {
    let state = apply(initialState, snapshot([summary("a", 1)]));
    state = apply(state, {
      v: 1,
      type: "agent_added",
      instance_id: "n",
      agent: snapshotAgent("n"),
      at: at(2),
    });
    expect(state.agents.get("n")?.info?.instance_name).toBe("n name");
    state = apply(state, {
      v: 1,
      type: "agent_removed",
      instance_id: "n",
      agent: snapshotAgent("n"),
      at: at(3),
    });
    expect(state.agents.has("n")).toBe(false);
    state = apply(state, snapshot([summary("a", 5, { on_track_status: "blocked" })]));
    expect(state.agents.get("a")?.statuses.map((p) => p.status)).toEqual(["on_track", "blocked"]);
  });

  it("merges fetched history into the strip, deduplicated, oldest first, capped", () => {
    let state = apply(initialState, snapshot([summary("a", 1000)]));
    const history = Array.from({ length: 40 }, (_, i) => summary("a", 1000 - i));
    state = reduce(state, { type: "history", id: "a", summaries: history });
    const strip = state.agents.get("a")!.statuses;
    expect(strip).toHaveLength(STRIP_LENGTH);
    expect(strip.at(-1)?.timestamp).toBe(at(1000));
    expect(strip[0]?.timestamp).toBe(at(1000 - STRIP_LENGTH + 1));
    expect(reduce(state, { type: "history", id: "zz", summaries: history })).toBe(state);
  });

  it("records the last cycle and the server's clock offset, and never mutates its input", () => {
    const before = apply(initialState, snapshot([], [], 160)); // server 60 s ahead
    expect(before.serverOffsetMs).toBe(60_000);
    const frozen = JSON.stringify([...before.agents]);
    const after = apply(before, {
      v: 1,
      type: "cycle",
      started_at: at(1),
      duration_ms: 900,
      agents: 3,
      lines: 12,
      model_calls: 2,
      failures: 0,
      skipped_slots: 0,
    });
    expect(after.lastCycle).toMatchObject({ duration_ms: 900, lines: 12, received_at: T0 });
    expect(after.lastCycle).not.toHaveProperty("type");
    expect(before.lastCycle).toBeNull();
    expect(JSON.stringify([...before.agents])).toBe(frozen);
  });
});

describe("agents of other hosts", () => {
  it("shows a remote agent with its host, dimmed while its host is stale", async () => {
    const { cardOf } = await import("./view.js");
    const remote = { ...summary("laptop/a", 1), host: "laptop" };
    const added: ServerMessage = {
      v: 1,
      type: "agent_added",
      instance_id: "laptop/a",
      agent: { ...snapshotAgent("laptop/a"), host: "laptop", log_type: "remote" },
      at: at(1),
    };
    let state = apply(initialState, snapshot([], []), added, {
      v: 1,
      type: "summary_update",
      summary: remote,
    });
    expect(cardOf(state.agents.get("laptop/a")!, T0, 0)).toMatchObject({
      host: "laptop",
      stale: false,
    });
    const stale = (value: boolean): ServerMessage => ({
      v: 1,
      type: "agent_stale",
      instance_id: "laptop/a",
      host: "laptop",
      stale: value,
      last_seen_at: at(1),
    });
    state = apply(state, stale(true));
    expect(cardOf(state.agents.get("laptop/a")!, T0, 0).stale).toBe(true);
    state = apply(state, stale(false));
    expect(cardOf(state.agents.get("laptop/a")!, T0, 0).stale).toBe(false);
  });
});
