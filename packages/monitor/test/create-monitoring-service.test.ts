import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONFIG, type MonitoringConfig } from "@agentwatch/config";
import { InMemoryPositionStore } from "@agentwatch/models";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidOptionError, createMonitoringService } from "../src/index.js";
import { FakeGenerator } from "./helpers/fake-generator.js";
import { Workspace } from "./helpers/workspace.js";

let ws: Workspace;
let config: MonitoringConfig;

beforeEach(async () => {
  ws = await Workspace.create();
  config = {
    ...DEFAULT_CONFIG,
    log_dir: ws.logDir,
    state_dir: ws.stateDir,
    summary_dir: ws.summaryDir,
    max_log_lines_per_read: 2,
  };
});

afterEach(async () => {
  await ws.remove();
});

describe("createMonitoringService", () => {
  it("builds the real parts from the config: layout of log_dir, state_dir, summary_dir, lines per read", async () => {
    ws.addAgent("agent-1", { instance_name: "backend" });
    ws.append("agent-1", "one", "two", "three");
    const generator = new FakeGenerator(Date.now);
    // One page per cycle, to see the page size the config sets.
    const service = await createMonitoringService(config, { generator, maxReadsPerCycle: 1 });

    const stats = await service.runOnce();
    await service.stop();

    expect(stats).toMatchObject({ agents: 1, lines: 2, model_calls: 1 });
    expect(generator.calls[0]?.lines).toEqual(["one", "two"]);
    expect(generator.calls[0]?.context.instance_name).toBe("backend");
    const positions = JSON.parse(
      readFileSync(join(ws.stateDir, "monitor_positions.json"), "utf8"),
    ) as Record<string, { last_line_number: number }>;
    expect(positions["agent-1:tmux_output"]?.last_line_number).toBe(2);
    expect(existsSync(join(ws.summaryDir, "agent-1", "latest_summary.json"))).toBe(true);
  });

  it("summarizes with the offline SummaryGenerator by default", async () => {
    ws.addAgent("agent-2", { assigned_task: "Implement JWT authentication" });
    ws.append("agent-2", "⏺ Read(src/auth/jwt.ts)", "  ⎿  Read 120 lines", "⏺ Bash(npm test)");
    const service = await createMonitoringService({ ...config, max_log_lines_per_read: 200 });

    const stats = await service.runOnce();
    const [summary] = service.getAgents().map((agent) => agent.latest_summary);
    await service.stop();

    expect(stats).toMatchObject({ lines: 3, model_calls: 0, failures: 0 });
    expect(summary).toMatchObject({
      instance_id: "agent-2",
      assigned_task: "Implement JWT authentication",
      last_tool_used: "Bash",
    });
    expect(summary?.alignment_keywords).toContain("jwt");
  });

  it("refuses a reader without the tracker it commits to", async () => {
    const generator = new FakeGenerator(Date.now);
    const reader = { read: () => Promise.reject(new Error("unused")) };
    await expect(createMonitoringService(config, { generator, reader })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    const tracker = new InMemoryPositionStore();
    const service = await createMonitoringService(config, { generator, reader, tracker });
    await service.stop();
  });

  it("refuses an invalid setting, naming it", async () => {
    const generator = new FakeGenerator(Date.now);
    await expect(
      createMonitoringService({ ...config, agent_concurrency: 0 }, { generator }),
    ).rejects.toMatchObject({ code: "INVALID_OPTION", option: "agent_concurrency" });
  });
});
