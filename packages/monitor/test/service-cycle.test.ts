import { appendFileSync } from "node:fs";
import { expectedLines, simulatedBytes, SCENARIOS, SeededRandom } from "@agentwatch/agent-sim";
import type { AgentSummary } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import type { MonitoredSummary, SummaryStoreLike } from "../src/index.js";
import { analyzeCalls } from "./helpers/fake-analyze.js";
import { type Harness, type Workspace, cycle, harness, useWorkspace } from "./helpers/workspace.js";

let ws: Workspace;
let h: Harness | undefined;

useWorkspace((created) => (ws = created));

/** The bytes of a simulated agent cut after its last complete line. */
function completeLines(seed: number, writes: number): Uint8Array {
  const bytes = simulatedBytes({ seed, scenario: SCENARIOS[seed % SCENARIOS.length]! }, writes);
  const end = bytes.lastIndexOf(0x0a);
  return bytes.subarray(0, end + 1);
}

describe("MonitoringService cycle", () => {
  it("reads, analyzes, summarizes, stores and commits, emitting events in order", async () => {
    ws.addAgent("a1", { role: "backend", assigned_task: "Implement JWT auth" });
    ws.addAgent("a2");
    ws.append("a1", "starting", "[state:working] editing src/auth/jwt.ts");
    h = await harness(ws);

    const stats = await cycle(h);

    expect(stats).toMatchObject({
      agents: 2,
      lines: 2,
      model_calls: 1,
      failures: 0,
      skipped_slots: 0,
    });
    expect(h.events.map((event) => event.type)).toEqual([
      "agent_added",
      "agent_added",
      "state_change",
      "state_change",
      "summary",
      "cycle",
    ]);
    const [activity, onTrack] = h.of("state_change");
    expect(activity).toMatchObject({
      instance_id: "a1",
      trigger: "read",
      previous: { activity_state: null, on_track_status: null },
      current: { activity_state: "working", on_track_status: null },
    });
    expect(onTrack).toMatchObject({
      trigger: "summary",
      previous: { activity_state: "working", on_track_status: null },
      current: { activity_state: "working", on_track_status: "on_track" },
    });
    const [call] = h.generator.calls;
    expect(call?.lines).toEqual(["starting", "[state:working] editing src/auth/jwt.ts"]);
    expect(call?.context).toMatchObject({
      instance_name: "a1-name",
      role: "backend",
      assigned_task: "Implement JWT auth",
      previous_summary: null,
      activity: { state: "working" },
    });
    const stored = (await h.store.getLatest("a1")) as MonitoredSummary;
    expect(stored).toEqual(h.of("summary")[0]?.summary);
    expect(stored.activity_state).toBe("working");
    expect(h.tracker.getPosition("a1", "tmux_output")?.last_line_number).toBe(2);
    expect(await h.store.getLatest("a2")).toBeUndefined();
  });

  it("makes no analysis, no generator call and stores nothing for an agent without new output", async () => {
    ws.addAgent("a1");
    ws.append("a1", "[state:working] one");
    h = await harness(ws);
    await cycle(h);
    const before = h.generator.calls.length;
    const analyzed = analyzeCalls.length;
    const events = h.events.length;

    for (let i = 0; i < 4; i++) {
      const stats = await cycle(h);
      expect(stats).toMatchObject({ lines: 0, model_calls: 0 });
    }

    expect(h.generator.calls.length).toBe(before);
    expect(analyzeCalls.length).toBe(analyzed);
    expect(h.events.slice(events).map((event) => event.type)).toEqual(Array(4).fill("cycle"));
    expect(await h.store.getHistory("a1")).toHaveLength(1);
  });

  it("reports an on-track change when the summary arrives and passes the previous summary on", async () => {
    ws.addAgent("a1");
    ws.append("a1", "[state:working] step 1");
    h = await harness(ws);
    await cycle(h);
    ws.append("a1", "[track:drifting] reading unrelated docs");
    await cycle(h);

    const changes = h.of("state_change");
    expect(changes.at(-1)).toMatchObject({
      trigger: "summary",
      previous: { activity_state: "working", on_track_status: "on_track" },
      current: { activity_state: "working", on_track_status: "drifting" },
    });
    const second = h.generator.calls[1];
    expect(second?.context.previous_summary?.current_activity).toBe("[state:working] step 1");
    const history = await h.store.getHistory("a1");
    expect(history.map((summary) => summary.on_track_status)).toEqual(["drifting", "on_track"]);
  });

  it("emits a state change from the read before the summary of the same lines is made", async () => {
    ws.addAgent("a1");
    ws.append("a1", "[state:working] busy");
    h = await harness(ws);
    await cycle(h);
    const seenAtCall: string[] = [];
    h.generator.during = () => {
      seenAtCall.push(
        ...h!.of("state_change").map((change) => String(change.current.activity_state)),
      );
    };
    ws.append("a1", "Do you want to proceed? [state:waiting_permission]");
    await cycle(h);

    expect(seenAtCall).toContain("waiting_permission");
    expect(h.events.slice(-3).map((event) => event.type)).toEqual([
      "state_change",
      "summary",
      "cycle",
    ]);
  });

  it("does not commit when storing fails, so the same lines are summarized again", async () => {
    ws.addAgent("a1");
    ws.append("a1", "line 1", "line 2");
    h = await harness(ws);
    const real = h.store;
    let failures = 1;
    const flaky: SummaryStoreLike = {
      write: async (summary: AgentSummary) => {
        if (failures-- > 0) throw new Error("disk full");
        await real.write(summary);
      },
      getLatest: (id) => real.getLatest(id),
    };
    await h.service.stop();
    h = await harness(ws, {}, { store: flaky });

    const first = await cycle(h);
    expect(first.failures).toBe(1);
    expect(h.tracker.getPosition("a1", "tmux_output")).toBeUndefined();
    expect(h.of("summary")).toHaveLength(0);
    const [error] = h.of("error");
    expect(error).toMatchObject({
      instance_id: "a1",
      error: { code: "AGENT_PROCESSING_FAILED", stage: "store" },
    });
    expect(error?.error.message).toMatch(
      /agent "a1" \(store failed\): disk full; .* read again in 10 s/,
    );

    await cycle(h); // 12 s later: past the 10 s backoff
    expect(h.generator.calls.map((call) => call.lines)).toEqual([
      ["line 1", "line 2"],
      ["line 1", "line 2"],
    ]);
    expect(h.tracker.getPosition("a1", "tmux_output")?.last_line_number).toBe(2);
    expect(await real.getHistory("a1")).toHaveLength(1);
  });

  it("catches up with a backlog in one cycle: every page read, summarized once, committed once", async () => {
    ws.addAgent("one");
    ws.append("one", "l1", "l2", "l3", "l4", "l5");
    h = await harness(ws, {}, { maxLinesPerRead: 2 });
    const stats = await cycle(h);
    expect(h.generator.callsFor("one").map((call) => call.lines)).toEqual([
      ["l1", "l2", "l3", "l4", "l5"],
    ]);
    expect(stats.lines).toBe(5);
    expect(stats.behind).toBe(0);
    expect(h.tracker.getPosition("one", "tmux_output")?.last_line_number).toBe(5);
    expect(await h.store.getHistory("one")).toHaveLength(1);
    expect(h.service.getAgents()[0]?.lag).toBeNull();
  });

  it("an agent that cannot be caught up within its read budget is reported behind, with its lag, until it is", async () => {
    ws.addAgent("busy");
    ws.append("busy", "l1", "l2", "l3", "l4", "l5", "l6", "l7");
    h = await harness(ws, {}, { maxLinesPerRead: 2, maxReadsPerCycle: 2 });

    const first = await cycle(h);
    expect(h.generator.callsFor("busy").map((call) => call.lines)).toEqual([
      ["l1", "l2", "l3", "l4"],
    ]);
    expect(first.behind).toBe(1);
    const lag = h.service.getAgents()[0]?.lag;
    expect(lag?.bytes).toBe(9); // "l5\nl6\nl7\n"
    expect(lag?.since).toBe(first.started_at);

    const second = await cycle(h);
    expect(h.generator.callsFor("busy").at(-1)?.lines).toEqual(["l5", "l6", "l7"]);
    expect(second.behind).toBe(0);
    expect(h.service.getAgents()[0]?.lag).toBeNull();
    expect(h.tracker.getPosition("busy", "tmux_output")?.last_line_number).toBe(7);
  });

  it("a summary that fails leaves every page of the cycle to be read again", async () => {
    ws.addAgent("one");
    ws.append("one", "l1", "l2", "l3", "l4", "l5");
    h = await harness(ws, {}, { maxLinesPerRead: 2 });
    let failures = 1;
    h.generator.failWhen = () => failures-- > 0;
    await cycle(h);
    expect(h.tracker.getPosition("one", "tmux_output")).toBeUndefined();
    h.clock.advance(60_000); // past the backoff
    await cycle(h);
    expect(h.generator.callsFor("one").map((call) => call.lines)).toEqual([
      ["l1", "l2", "l3", "l4", "l5"],
      ["l1", "l2", "l3", "l4", "l5"],
    ]);
    expect(h.tracker.getPosition("one", "tmux_output")?.last_line_number).toBe(5);
  });

  it("delivers every line of simulated agents exactly once over many cycles", async () => {
    const ids = ["sim-0", "sim-1", "sim-2", "sim-3", "sim-4", "sim-5"];
    const full = ids.map((_, i) => completeLines(i, 400));
    const written = ids.map(() => 0);
    for (const id of ids) ws.addAgent(id);
    h = await harness(ws, {}, {});
    const random = new SeededRandom(42);
    let cycles = 0;
    while (written.some((offset, i) => offset < full[i]!.length) || cycles < 3) {
      ids.forEach((id, i) => {
        const bytes = full[i]!;
        if (written[i]! >= bytes.length || !random.chance(0.6)) return;
        const end = bytes.indexOf(
          0x0a,
          Math.min(bytes.length - 1, written[i]! + random.int(1, 4000)),
        );
        appendFileSync(ws.logPath(id), bytes.subarray(written[i], end + 1));
        written[i] = end + 1;
      });
      await cycle(h);
      cycles++;
    }
    while ((await cycle(h)).lines > 0) cycles++; // drain backlogs longer than one read

    for (const [i, id] of ids.entries()) {
      const got = h.generator.callsFor(id).flatMap((call) => call.lines);
      expect(got).toEqual(expectedLines(full[i]!));
      const history = await h.store.getHistory(id, { limit: Infinity });
      expect(history).toHaveLength(h.generator.callsFor(id).length);
    }
    const cyclesStats = h.of("cycle");
    expect(cyclesStats.reduce((sum, s) => sum + s.model_calls, 0)).toBe(
      h.generator.calls.filter((call) => call.lines.length > 0).length,
    );
    expect(cyclesStats.reduce((sum, s) => sum + s.lines, 0)).toBe(
      full.reduce((sum, bytes) => sum + expectedLines(bytes).length, 0),
    );
  });
});
