import { appendFileSync } from "node:fs";
import { analyzeActivity } from "@agentwatch/activity";
import { SCENARIOS, expectedLines, simulatedBytes } from "@agentwatch/agent-sim";
import { SummaryGenerator } from "@agentwatch/summarizer";
import { describe, expect, it } from "vitest";
import type { MonitoredSummary, SummaryGeneratorLike } from "../src/index.js";
import { FakeClock } from "./helpers/fake-clock.js";
import { type Harness, type Workspace, harness, useWorkspace } from "./helpers/workspace.js";

let ws: Workspace;
let h: Harness | undefined;

useWorkspace((created) => (ws = created));

/** The real generator, with its calls counted. */
function counted(real: SummaryGenerator): SummaryGeneratorLike & { calls: [string, string[]][] } {
  const calls: [string, string[]][] = [];
  return {
    calls,
    generateSummary: (id, lines, context) => {
      calls.push([id, [...lines]]);
      return real.generateSummary(id, lines, context);
    },
    get stats() {
      return real.stats;
    },
  };
}

describe("MonitoringService with analyzeActivity", () => {
  it("reports an agent stopping at a permission prompt the moment the read shows it", async () => {
    ws.addAgent("p", { role: "backend", assigned_task: "Add the email_verified column" });
    h = await harness(ws, {}, { analyze: analyzeActivity });
    const bytes = simulatedBytes({ seed: 1, scenario: "permission-prompt" }, 80);
    const end = bytes.lastIndexOf(0x0a) + 1;
    const chunk = Math.ceil(end / 4);
    for (let offset = 0; offset < end; offset += chunk) {
      appendFileSync(ws.logPath("p"), bytes.subarray(offset, Math.min(end, offset + chunk)));
      await h.service.runOnce();
      h.clock.advance(12_000);
    }
    const calls = h.generator.calls.length;
    for (let i = 0; i < 5; i++) {
      await h.service.runOnce(); // waiting: no output, no state change, no summary
      h.clock.advance(12_000);
    }

    const states = h.of("state_change").map((change) => change.current.activity_state);
    expect(states.at(-1)).toBe("waiting_permission");
    const waiting = h.events.findIndex(
      (e) => e.type === "state_change" && e.payload.current.activity_state === "waiting_permission",
    );
    const next = h.events.slice(waiting + 1).find((e) => e.type === "summary");
    expect((next?.payload as { summary: MonitoredSummary }).summary.activity_state).toBe(
      "waiting_permission",
    );
    expect(h.generator.calls).toHaveLength(calls);
    const last = h.generator.calls.at(-1);
    expect(last?.context.activity).toMatchObject({
      state: "waiting_permission",
      last_tool_used: "Bash",
    });
    const stored = (await h.store.getLatest("p")) as MonitoredSummary;
    expect(stored.activity_state).toBe("waiting_permission");
  });

  it("with the real SummaryGenerator, reports a blocked agent and makes no call while it waits", async () => {
    ws.addAgent("p", { role: "backend", assigned_task: "Add the email_verified column migration" });
    const clock = new FakeClock();
    const generator = counted(new SummaryGenerator({ clock: clock.clock }));
    h = await harness(ws, {}, { analyze: analyzeActivity, generator, clock });
    const bytes = simulatedBytes({ seed: 1, scenario: "permission-prompt" }, 80);
    appendFileSync(ws.logPath("p"), bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1));

    await h.service.runOnce();
    for (let i = 0; i < 5; i++) {
      h.clock.advance(12_000);
      await h.service.runOnce();
    }

    expect(h.of("state_change")).toMatchObject([
      { trigger: "read", current: { activity_state: "waiting_permission", on_track_status: null } },
      {
        trigger: "summary",
        current: { activity_state: "waiting_permission", on_track_status: "blocked" },
      },
    ]);
    expect(generator.calls).toHaveLength(1);
    expect(h.of("cycle").map((stats) => stats.model_calls)).toEqual([0, 0, 0, 0, 0, 0]);
    const stored = (await h.store.getLatest("p")) as MonitoredSummary;
    expect(stored).toMatchObject({
      instance_id: "p",
      instance_name: "p-name",
      role: "backend",
      on_track_status: "blocked",
      last_tool_used: "Bash",
      activity_state: "waiting_permission",
    });
    expect(stored.recommended_action).toContain("psql");
  });

  it("with the real SummaryGenerator, summarizes every line of simulated agents over many cycles", async () => {
    const ids = SCENARIOS.map((scenario) => `sim-${scenario}`);
    const full = SCENARIOS.map((scenario, i) => {
      const bytes = simulatedBytes({ seed: 10 + i, scenario }, 300);
      return bytes.subarray(0, bytes.lastIndexOf(0x0a) + 1);
    });
    for (const id of ids) ws.addAgent(id, { assigned_task: "Implement JWT authentication" });
    const clock = new FakeClock();
    const generator = counted(new SummaryGenerator({ clock: clock.clock }));
    h = await harness(ws, {}, { analyze: analyzeActivity, generator, clock });
    const offsets = ids.map(() => 0);
    for (let round = 0; round < 30; round++) {
      ids.forEach((id, i) => {
        const bytes = full[i]!;
        if (offsets[i]! >= bytes.length) return;
        const end = bytes.indexOf(0x0a, Math.min(bytes.length - 1, offsets[i]! + 900 + 97 * i)) + 1;
        appendFileSync(ws.logPath(id), bytes.subarray(offsets[i], end));
        offsets[i] = end;
      });
      await h.service.runOnce();
      h.clock.advance(12_000);
    }
    while ((await h.service.runOnce()).lines > 0) h.clock.advance(12_000);

    ids.forEach((id, i) => {
      const summarized = generator.calls.filter(([of]) => of === id).flatMap(([, lines]) => lines);
      expect(summarized).toEqual(expectedLines(full[i]!));
    });
    for (const id of ids) {
      const history = await h.store.getHistory(id, { limit: Infinity });
      expect(history.length).toBeGreaterThan(1);
      expect(history.every((summary) => summary.instance_id === id)).toBe(true);
    }
    expect(h.of("error")).toEqual([]);
  });

  it("takes an agent's first message as its task when its source gives none, and says when it has neither", async () => {
    ws.addAgent("told", {});
    ws.addAgent("untold", {});
    ws.append(
      "told",
      "> Fix the login bug in src/auth",
      "⏺ Read(src/auth/login.ts)",
      "  ⎿  Read 40 lines",
    );
    ws.append("untold", "⏺ Read(src/auth/login.ts)", "  ⎿  Read 40 lines");
    h = await harness(ws, {}, { analyze: analyzeActivity, generator: new SummaryGenerator() });
    await h.service.runOnce();
    const told = (await h.store.getLatest("told")) as MonitoredSummary;
    expect(told.assigned_task).toBe("Fix the login bug in src/auth");
    const untold = (await h.store.getLatest("untold")) as MonitoredSummary;
    expect(untold.assigned_task).toBeNull();
    expect(untold.on_track_status).toBe("unknown");
    expect(untold.drift_reasons.join(" ")).toContain("its task is not known");
  });
});
