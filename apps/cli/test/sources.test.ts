import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PERMISSION, WORKING, useCliWorkspace } from "./helpers/cli.js";

const ws = useCliWorkspace();

interface Event {
  type: string;
  agent?: { instance_id: string };
  summary?: { instance_id: string; activity_state?: string };
}

describe("logs captured the natural way, one file per agent", () => {
  it("a glob over four pane captures shows four agents named by file, ~ meaning the user's home", async () => {
    const logs = join(ws.dir, "agent-logs");
    await mkdir(logs);
    await writeFile(join(logs, "api.log"), WORKING);
    await writeFile(join(logs, "db.log"), PERMISSION);
    await writeFile(join(logs, "docs.log"), WORKING);
    await writeFile(join(logs, "web.log"), WORKING);
    const run = await ws.run(["watch", "--once", "--json", "--logs", "~/agent-logs/*.log"], {
      env: { XDG_STATE_HOME: join(ws.dir, "state") },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Event);
    const added = events.filter((e) => e.type === "agent_added").map((e) => e.agent!.instance_id);
    expect(added.sort()).toEqual(["api", "db", "docs", "web"]);
    const db = events.find((e) => e.type === "summary" && e.summary?.instance_id === "db");
    expect(db?.summary?.activity_state).toBe("waiting_permission");
  });
});
