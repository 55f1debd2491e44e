import { appendFileSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { MonitoredSummary } from "../src/index.js";
import {
  type Harness,
  type Workspace,
  cycle,
  harness,
  instanceRecord,
  lastCycle,
  useWorkspace,
} from "./helpers/workspace.js";

let ws: Workspace;

useWorkspace((created) => (ws = created));

let version = 0;

/** Writes `<logDir>/state/instances.json` as the orchestrator does, with a new modification time. */
function writeInstances(records: Record<string, unknown>[]): void {
  const file = join(ws.logDir, "state", "instances.json");
  mkdirSync(join(ws.logDir, "state"), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify(Object.fromEntries(records.map((r) => [r["id"] as string, r])), null, 2),
  );
  version++;
  const at = new Date(Date.now() + version * 5_000);
  utimesSync(file, at, at);
}

/** Every file and directory under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** What a person sees of each agent: the row the service produces. */
function rows(harnessed: Harness) {
  return harnessed.service.getAgents().map((status) => ({
    id: status.agent.instance_id,
    name: status.agent.instance_name,
    role: status.agent.role,
    task: status.agent.assigned_task,
    parent: status.agent.parent_instance_id,
    orchestrator_state: status.agent.orchestrator_state,
    state: status.state,
    activity: status.latest_summary?.current_activity ?? null,
    summary_state: status.latest_summary?.activity_state ?? null,
    exited: status.exited_at !== null,
    error: status.last_error,
  }));
}

describe("the original orchestrator's layout with state/instances.json", () => {
  it("shows every instance with its role, task and parent; a terminated one exited at once; one without a terminal log by its state", async () => {
    ws.addAgent("lead", { instance_name: "lead", assigned_task: "Design the API" });
    ws.append("lead", "[state:working] designing the endpoints");
    ws.addAgent("worker", null);
    ws.append("worker", "[state:idle] done for now");
    ws.addAgent("done", { instance_name: "done" });
    ws.append("done", "[state:working] old output");
    writeInstances([
      instanceRecord("lead", { role: "architect", initial_prompt: "Lead the team" }),
      instanceRecord("worker", {
        name: "worker-1",
        role: "backend_developer",
        state: "idle",
        initial_prompt: "Implement /users",
        parent_instance_id: "lead",
      }),
      instanceRecord("done", {
        role: "tester",
        state: "terminated",
        initial_prompt: "Run the tests",
      }),
      instanceRecord("replier", {
        name: "replier",
        role: "reviewer",
        initial_prompt: "Review the pull requests",
        parent_instance_id: "lead",
        instance_type: "codex",
      }),
    ]);
    const before = tree(ws.logDir);
    const h = await harness(ws);

    await cycle(h);

    expect(rows(h)).toEqual([
      {
        id: "done",
        name: "done",
        role: "tester",
        task: "Run the tests",
        parent: null,
        orchestrator_state: "terminated",
        state: { activity_state: "exited", on_track_status: null },
        activity: "Exited: its orchestrator reports it terminated.",
        summary_state: "exited",
        exited: true,
        error: null,
      },
      {
        id: "lead",
        name: "lead",
        role: "architect",
        task: "Design the API",
        parent: null,
        orchestrator_state: "busy",
        state: { activity_state: "working", on_track_status: "on_track" },
        activity: "[state:working] designing the endpoints",
        summary_state: "working",
        exited: false,
        error: null,
      },
      {
        id: "replier",
        name: "replier",
        role: "reviewer",
        task: "Review the pull requests",
        parent: "lead",
        orchestrator_state: "busy",
        state: { activity_state: "working", on_track_status: "unknown" },
        activity: "No terminal output; its orchestrator reports it busy.",
        summary_state: "working",
        exited: false,
        error: null,
      },
      {
        id: "worker",
        name: "worker-1",
        role: "backend_developer",
        task: "Implement /users",
        parent: "lead",
        orchestrator_state: "idle",
        state: { activity_state: "idle", on_track_status: "on_track" },
        activity: "[state:idle] done for now",
        summary_state: "idle",
        exited: false,
        error: null,
      },
    ]);
    // the terminated one's log is not read, the one without a log costs no generator call
    expect(h.generator.calls.map((call) => call.instanceId).sort()).toEqual(["lead", "worker"]);
    expect(h.tracker.getPosition("done", "tmux_output")).toBeUndefined();
    const stored = (await h.store.getLatest("replier")) as MonitoredSummary;
    expect(stored).toMatchObject({
      instance_name: "replier",
      role: "reviewer",
      assigned_task: "Review the pull requests",
      parent_instance_id: "lead",
      on_track_status: "unknown",
      activity_state: "working",
      recommended_action: null,
    });
    expect(h.of("error")).toEqual([]);

    for (let i = 0; i < 3; i++) await cycle(h);
    expect(lastCycle(h)).toEqual(["cycle"]); // nothing changed: nothing written, nothing reported
    expect(tree(ws.logDir)).toEqual(before); // watching never writes into the layout
  });

  it("marks an instance exited in the cycle it becomes terminated, and removes it once after the grace period", async () => {
    ws.addAgent("a");
    ws.append("a", "[state:working] busy");
    writeInstances([instanceRecord("a")]);
    const h = await harness(ws, { exited_grace_seconds: 24 });
    await cycle(h);

    writeInstances([instanceRecord("a", { state: "terminated" })]);
    ws.append("a", "[state:working] last words");
    await cycle(h);

    expect(lastCycle(h)).toEqual(["state_change:a", "summary:a", "cycle"]);
    expect(h.of("state_change").at(-1)).toMatchObject({
      trigger: "exit",
      previous: { activity_state: "working" },
      current: { activity_state: "exited" },
    });
    expect(h.of("summary").at(-1)?.summary.current_activity).toContain("terminated");

    await cycle(h);
    expect(lastCycle(h)).toEqual(["cycle"]);
    await cycle(h);
    expect(lastCycle(h)).toEqual(["agent_removed:a", "cycle"]);
    for (let i = 0; i < 5; i++) {
      await cycle(h); // still listed (terminated) and its log is still there: not added again
      expect(lastCycle(h)).toEqual(["cycle"]);
    }
    writeInstances([]); // the orchestrator forgot it; its directory and log stay
    for (let i = 0; i < 3; i++) {
      await cycle(h);
      expect(lastCycle(h)).toEqual(["cycle"]);
    }
    expect(h.service.getAgents()).toEqual([]);
  });

  it("follows the state of an instance without terminal output, then reads its log once one appears", async () => {
    writeInstances([instanceRecord("replier", { state: "busy" })]);
    const h = await harness(ws);
    await cycle(h);
    expect(lastCycle(h)).toEqual([
      "agent_added:replier",
      "state_change:replier",
      "summary:replier",
      "cycle",
    ]);

    writeInstances([instanceRecord("replier", { state: "idle" })]);
    await cycle(h);
    expect(lastCycle(h)).toEqual(["state_change:replier", "summary:replier", "cycle"]);
    expect(h.of("state_change").at(-1)).toMatchObject({
      trigger: "summary",
      previous: { activity_state: "working", on_track_status: "unknown" },
      current: { activity_state: "idle", on_track_status: "unknown" },
    });
    expect(h.of("summary").at(-1)?.summary.current_activity).toBe(
      "No terminal output; its orchestrator reports it idle.",
    );

    // a restart carries on from the stored summary: nothing is written or reported again
    const clock = h.clock;
    await h.service.stop();
    const again = await harness(ws, {}, { clock });
    await cycle(again);
    expect(lastCycle(again)).toEqual(["agent_added:replier", "cycle"]);

    mkdirSync(ws.agentDir("replier"));
    appendFileSync(ws.logPath("replier"), "[state:working] now it has a terminal\n");
    await cycle(again);

    expect(again.generator.calls.map((call) => [call.instanceId, call.lines])).toEqual([
      ["replier", ["[state:working] now it has a terminal"]],
    ]);
    expect(rows(again)[0]).toMatchObject({
      id: "replier",
      state: { activity_state: "working" },
      activity: "[state:working] now it has a terminal",
      exited: false,
    });
    expect(h.generator.calls).toEqual([]);
  });
});
