import { appendFileSync, mkdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AgentsFileError,
  type MonitoredSummary,
  type SummaryStoreLike,
  agentsFileSource,
  combineSources,
  globSource,
  layoutSource,
} from "../src/index.js";
import {
  type Harness,
  type Workspace,
  cycle,
  harness,
  lastCycle,
  useWorkspace,
} from "./helpers/workspace.js";

let ws: Workspace;
let h: Harness | undefined;

useWorkspace((created) => (ws = created));

describe("MonitoringService agents", () => {
  it("picks up an agent that appears and processes it in the same cycle", async () => {
    ws.addAgent("first");
    ws.append("first", "hello");
    h = await harness(ws);
    await cycle(h);

    ws.addAgent("second");
    ws.append("second", "[state:working] new agent output");
    const stats = await cycle(h);

    expect(stats.agents).toBe(2);
    expect(lastCycle(h)).toEqual([
      "agent_added:second",
      "state_change:second",
      "state_change:second",
      "summary:second",
      "cycle",
    ]);
    expect(h.of("agent_added")[1]?.agent).toMatchObject({
      instance_id: "second",
      instance_name: "second-name",
      log_file_path: ws.logPath("second"),
    });
  });

  it("marks an agent whose log disappeared as exited, then removes it and its position after the grace period", async () => {
    ws.addAgent("a");
    ws.append("a", "[state:working] busy");
    h = await harness(ws, { exited_grace_seconds: 60 });
    await cycle(h);
    expect(h.tracker.getPosition("a", "tmux_output")).toBeDefined();

    unlinkSync(ws.logPath("a"));
    await cycle(h);

    expect(lastCycle(h)).toEqual(["state_change:a", "summary:a", "cycle"]);
    const exit = h.of("state_change").at(-1);
    expect(exit).toMatchObject({
      trigger: "exit",
      previous: { activity_state: "working", on_track_status: "on_track" },
      current: { activity_state: "exited", on_track_status: "on_track" },
    });
    const stored = (await h.store.getLatest("a")) as MonitoredSummary;
    expect(stored.activity_state).toBe("exited");
    expect(stored.current_activity).toContain("disappeared");
    expect(h.service.getAgents()[0]?.exited_at).not.toBeNull();

    // 12 s, 24 s, 36 s, 48 s after the exit: still listed, nothing new
    for (let i = 0; i < 4; i++) {
      await cycle(h);
      expect(lastCycle(h)).toEqual(["cycle"]);
    }
    expect(h.tracker.getPosition("a", "tmux_output")).toBeDefined();

    await cycle(h); // 60 s after the exit
    expect(lastCycle(h)).toEqual(["agent_removed:a", "cycle"]);
    expect(h.tracker.getPosition("a", "tmux_output")).toBeUndefined();
    expect(h.service.getAgents()).toEqual([]);

    // its directory is still there: it is not added again while its log stays missing
    await cycle(h);
    expect(lastCycle(h)).toEqual(["cycle"]);

    // a new log at the same place is a new agent, read from its start
    ws.append("a", "[state:working] reborn");
    await cycle(h);
    expect(lastCycle(h)).toEqual(["agent_added:a", "state_change:a", "summary:a", "cycle"]);
    expect(h.generator.calls.at(-1)?.lines).toEqual(["[state:working] reborn"]);
  });

  it("retries storing the exited summary after a backoff, reporting the exit once", async () => {
    ws.addAgent("a");
    ws.append("a", "[state:working] busy");
    let failExit = true;
    const inner = await harness(ws);
    await inner.service.stop();
    const store: SummaryStoreLike = {
      write: async (summary) => {
        if ((summary as MonitoredSummary).activity_state === "exited" && failExit) {
          failExit = false;
          throw new Error("EROFS: read-only file system");
        }
        await inner.store.write(summary);
      },
      getLatest: (id) => inner.store.getLatest(id),
    };
    h = await harness(ws, {}, { store });
    await cycle(h);
    unlinkSync(ws.logPath("a"));

    const failed = await cycle(h);
    expect(failed.failures).toBe(1);
    expect(h.of("error")[0]?.error).toMatchObject({ stage: "exit" });
    expect(h.of("error")[0]?.error.message).toContain("tried again in 10 s");
    await cycle(h);

    expect(h.of("state_change").filter((c) => c.trigger === "exit")).toHaveLength(1);
    const latest = (await inner.store.getLatest("a")) as MonitoredSummary;
    expect(latest.activity_state).toBe("exited");
    expect(h.service.getAgents()).toMatchObject([
      { agent: { instance_id: "a" }, state: { activity_state: "exited" }, failures: 0 },
    ]);
  });

  it("marks an agent that vanished from its source as exited and removes it after the grace period", async () => {
    ws.addAgent("gone");
    ws.addAgent("stays");
    ws.append("gone", "output");
    ws.append("stays", "output");
    h = await harness(ws, { exited_grace_seconds: 24 });
    await cycle(h);

    rmSync(ws.agentDir("gone"), { recursive: true });
    await cycle(h);
    expect(lastCycle(h)).toEqual(["state_change:gone", "summary:gone", "cycle"]);
    expect(h.of("summary").at(-1)?.summary.current_activity).toContain("no longer lists it");

    await cycle(h);
    expect(lastCycle(h)).toEqual(["cycle"]);
    const stats = await cycle(h);
    expect(lastCycle(h)).toEqual(["agent_removed:gone", "cycle"]);
    expect(stats.agents).toBe(2); // counted in the cycle that removed it
    expect(h.tracker.getPosition("gone", "tmux_output")).toBeUndefined();
    expect(h.tracker.getPosition("stays", "tmux_output")).toBeDefined();
    expect(h.service.getAgents().map((agent) => agent.agent.instance_id)).toEqual(["stays"]);
  });

  it("brings an exited agent back when its log returns within the grace period", async () => {
    ws.addAgent("a");
    ws.append("a", "[state:working] one");
    h = await harness(ws);
    await cycle(h);
    unlinkSync(ws.logPath("a"));
    await cycle(h);

    ws.append("a", "[state:waiting_input] Continue? [y/N]");
    await cycle(h);

    expect(h.of("state_change").at(-1)).toMatchObject({
      trigger: "read",
      previous: { activity_state: "exited" },
      current: { activity_state: "waiting_input" },
    });
    expect(h.service.getAgents()[0]?.exited_at).toBeNull();
    for (let i = 0; i < 30; i++) await cycle(h); // past the 300 s grace
    expect(h.of("agent_removed")).toEqual([]);
  });

  it("carries the summary forward without a model call when an agent returns with no new output", async () => {
    const file = join(ws.root, "agents.json");
    const listing = JSON.stringify([{ instance_id: "x", log_file_path: ws.logPath("x") }]);
    ws.addAgent("x");
    ws.append("x", "[state:waiting_input] Continue? [y/N]");
    writeFileSync(file, listing);
    h = await harness(ws, {}, { source: agentsFileSource(file) });
    await cycle(h);
    writeFileSync(file, "[]");
    utimesSync(file, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000));
    await cycle(h);
    expect(h.of("state_change").at(-1)?.current.activity_state).toBe("exited");
    const modelCalls = h.generator.stats.modelCalls;

    writeFileSync(file, listing);
    utimesSync(file, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
    const stats = await cycle(h);

    expect(h.of("state_change").at(-1)).toMatchObject({
      trigger: "read",
      previous: { activity_state: "exited" },
      current: { activity_state: "waiting_input" },
    });
    expect(h.generator.calls.at(-1)?.lines).toEqual([]);
    expect(h.generator.stats.modelCalls).toBe(modelCalls);
    expect(stats.model_calls).toBe(0);
    const latest = (await h.store.getLatest("x")) as MonitoredSummary;
    expect(latest.activity_state).toBe("waiting_input");
  });

  it("keeps the agents of a malformed agents file and reports it as an error", async () => {
    const file = join(ws.root, "agents.json");
    ws.addAgent("x");
    ws.append("x", "output");
    writeFileSync(file, JSON.stringify([{ instance_id: "x", log_file_path: ws.logPath("x") }]));
    h = await harness(ws, {}, { source: agentsFileSource(file) });
    await cycle(h);

    writeFileSync(file, "[{ truncated");
    utimesSync(file, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000));
    ws.append("x", "more");
    const stats = await cycle(h);

    expect(stats.failures).toBe(0);
    const [error] = h.of("error");
    expect(error?.error).toBeInstanceOf(AgentsFileError);
    expect(error?.instance_id).toBeUndefined();
    expect(h.of("state_change").some((c) => c.current.activity_state === "exited")).toBe(false);
    expect(h.generator.calls.at(-1)?.lines).toEqual(["more"]);
  });

  it("waits for the log of a listed agent that has not written one yet", async () => {
    const file = join(ws.root, "agents.json");
    const log = join(ws.root, "later", "agent.log");
    writeFileSync(file, JSON.stringify([{ instance_id: "late", log_file_path: log }]));
    h = await harness(ws, {}, { source: agentsFileSource(file) });
    await cycle(h);
    await cycle(h);
    expect(lastCycle(h)).toEqual(["cycle"]);

    mkdirSync(join(ws.root, "later"));
    appendFileSync(log, "finally\n");
    await cycle(h);

    expect(h.of("agent_added").map((event) => event.instance_id)).toEqual(["late"]);
    expect(h.generator.calls.map((call) => call.lines)).toEqual([["finally"]]);
    expect(h.of("state_change").some((c) => c.current.activity_state === "exited")).toBe(false);
  });

  it("combines a glob source with the layout, the first source winning", async () => {
    ws.addAgent("both", { instance_name: "from-layout" });
    ws.append("both", "layout line");
    mkdirSync(join(ws.root, "extra"), { recursive: true });
    appendFileSync(join(ws.root, "extra", "solo.log"), "glob line\n");
    const source = combineSources(
      layoutSource(ws.logDir),
      globSource(join(ws.root, "extra", "*.log")),
    );
    h = await harness(ws, {}, { source });

    await cycle(h);

    const added = h
      .of("agent_added")
      .map((event) => [event.instance_id, event.agent.instance_name]);
    expect(added).toEqual([
      ["both", "from-layout"],
      ["solo", "solo"],
    ]);
    expect(h.tracker.getPosition("solo", "solo")?.last_line_number).toBe(1);
  });

  it("continues from the stored summaries after a restart without repeating state changes", async () => {
    ws.addAgent("a");
    ws.append("a", "[state:waiting_permission] Do you want to proceed?");
    h = await harness(ws);
    await cycle(h);
    const clock = h.clock;
    await h.service.stop();

    h = await harness(ws, {}, { clock });
    await cycle(h);
    expect(lastCycle(h)).toEqual(["agent_added:a", "cycle"]);
    expect(h.generator.calls).toEqual([]);

    ws.append("a", "[state:working] approved, editing");
    await cycle(h);
    const [call] = h.generator.calls;
    expect(call?.lines).toEqual(["[state:working] approved, editing"]);
    expect(call?.context.previous_summary?.current_activity).toContain("Do you want to proceed?");
    expect(h.of("state_change")).toMatchObject([
      {
        previous: { activity_state: "waiting_permission", on_track_status: "on_track" },
        current: { activity_state: "working", on_track_status: "on_track" },
      },
    ]);
  });
});
