import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "@agentwatch/config";
import { createMonitoringService } from "@agentwatch/monitor";
import { connect, ofType } from "./helpers/clients.js";
import { Harness } from "./helpers/harness.js";
import { tinyGenerator } from "./helpers/tiny-generator.js";

const harness = new Harness();
afterEach(() => harness.cleanup());

const PROMPT = [
  "⏺ Bash(rm -rf build)",
  "╭──────────────────────────────────────────╮",
  "│ Bash command                             │",
  "│   rm -rf build                           │",
  "│ Do you want to proceed?                  │",
  "│ ❯ 1. Yes                                 │",
  "│   2. No, and tell Claude what to do      │",
  "╰──────────────────────────────────────────╯",
  "",
].join("\n");

describe("with a real MonitoringService", () => {
  it("streams a cycle as agent_added, state_change, summary_update and cycle, after the snapshot", async () => {
    const root = await harness.tempDir();
    const config = {
      ...DEFAULT_CONFIG,
      log_dir: join(root, "logs"),
      state_dir: join(root, "state"),
      summary_dir: join(root, "summaries"),
    };
    const agentDir = join(config.log_dir, "instances", "agent-1");
    await mkdir(agentDir, { recursive: true });
    await writeFile(
      join(agentDir, "metadata.json"),
      JSON.stringify({ instance_name: "Agent One", role: "dev", assigned_task: "clean up" }),
    );
    const log = join(agentDir, "tmux_output.log");
    await writeFile(log, "⏺ Read(src/index.ts)\n  ⎿  Read 10 lines\n");
    const service = await createMonitoringService(config, { generator: tinyGenerator() });
    harness.defer(() => service.stop());
    const { wsUrl } = await harness.start({ service, storeDir: config.summary_dir });
    const client = await connect(wsUrl);
    await client.until((m) => m.length >= 1);
    await service.runOnce();
    await client.until((m) => m.some((x) => x.type === "cycle"));
    const types = client.messages.map((m) => m.type);
    expect(types[0]).toBe("snapshot");
    expect(types).toContain("agent_added");
    expect(types.indexOf("agent_added")).toBeLessThan(types.indexOf("summary_update"));
    expect(types.at(-1)).toBe("cycle");
    const update = ofType(client.messages, "summary_update")[0]!;
    expect(update.summary).toMatchObject({ instance_id: "agent-1", instance_name: "Agent One" });
    await appendFile(log, PROMPT);
    await service.runOnce();
    await client.until((m) => ofType(m, "cycle").length >= 2);
    const changes = ofType(client.messages, "state_change");
    expect(changes.at(-1)?.current).toEqual({
      activity_state: "waiting_permission",
      on_track_status: "blocked",
    });
    const last = ofType(client.messages, "summary_update").at(-1)!;
    expect(last.summary.activity_state).toBe("waiting_permission");
    // A client connecting now gets it all in its snapshot.
    const late = await connect(wsUrl);
    await late.until((m) => m.length >= 1);
    const snapshot = ofType(late.messages, "snapshot")[0]!;
    expect(snapshot.summaries.map((s) => [s.instance_id, s.on_track_status])).toEqual([
      ["agent-1", "blocked"],
    ]);
    expect(snapshot.agents[0]).toMatchObject({
      instance_name: "Agent One",
      activity_state: "waiting_permission",
    });
  });
});
