import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PERMISSION, WORKING, useCliWorkspace } from "./helpers/cli.js";

const ws = useCliWorkspace();
const agentwatch = ws.run;
const agent = ws.agent;
const dirs = ws.dirs;

describe("watch --once, then status", () => {
  it("summarizes every agent, stores the summaries and shows them", async () => {
    await agent("backend-dev", WORKING, {
      assigned_task: "Implement JWT authentication",
      role: "backend",
    });
    await agent("db-migrator", PERMISSION, { assigned_task: "Reinstall dependencies" });
    const watch = await agentwatch([
      "watch",
      "--once",
      "--log-dir",
      join(ws.dir, "logs"),
      ...dirs(),
    ]);
    expect(watch.stderr).toBe("");
    expect(watch.code).toBe(0);
    const lines = watch.stdout
      .trim()
      .split("\n")
      .filter((l) => / (on_track|drifting|off_track|blocked|unknown) /.test(l));
    expect(lines).toHaveLength(2);
    expect(watch.stdout).toMatch(/db-migrator blocked [\d.]+ waiting_permission/);
    expect(watch.stdout).toMatch(/backend-dev \w+ [\d.]+ working/);

    const latest = JSON.parse(
      await readFile(join(ws.dir, "summaries", "db-migrator", "latest_summary.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(latest).toMatchObject({
      instance_id: "db-migrator",
      on_track_status: "blocked",
      activity_state: "waiting_permission",
    });

    const status = await agentwatch(["status", "--json", ...dirs()]);
    expect(status.code).toBe(0);
    const summaries = JSON.parse(status.stdout) as { instance_id: string }[];
    expect(summaries.map((s) => s.instance_id).sort()).toEqual(["backend-dev", "db-migrator"]);

    const plain = await agentwatch(["status", ...dirs()]);
    expect(plain.stdout).toContain("db-migrator blocked");
    expect(plain.stdout).not.toContain("\u001b");

    const again = await agentwatch([
      "watch",
      "--once",
      "--json",
      "--log-dir",
      join(ws.dir, "logs"),
      ...dirs(),
    ]);
    const events = again.stdout
      .trim()
      .split("\n")
      .map(
        (l) => JSON.parse(l) as { type: string; stats?: { lines: number; model_calls: number } },
      );
    const cycle = events.find((e) => e.type === "cycle");
    expect(cycle?.stats).toMatchObject({ lines: 0, model_calls: 0 });
  });

  it("says so when the summary dir is empty", async () => {
    const status = await agentwatch(["status", ...dirs()]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^no summaries in .*summaries yet/);
  });
});

describe("positions", () => {
  it("lists saved positions and resets one agent's", async () => {
    await agent("a1", WORKING);
    await agent("a2", WORKING);
    await agentwatch(["watch", "--once", "--log-dir", join(ws.dir, "logs"), ...dirs()]);
    const list = await agentwatch(["positions", "list", "--json", ...dirs()]);
    const positions = JSON.parse(list.stdout) as {
      instance_id: string;
      last_line_number: number;
    }[];
    expect(positions.map((p) => p.instance_id)).toEqual(["a1", "a2"]);
    expect(positions[0]!.last_line_number).toBe(8);

    const reset = await agentwatch(["positions", "reset", "a1", ...dirs()]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("reset 1 position of a1");
    const after = JSON.parse((await agentwatch(["positions", "--json", ...dirs()])).stdout) as {
      instance_id: string;
    }[];
    expect(after.map((p) => p.instance_id)).toEqual(["a2"]);

    const missing = await agentwatch(["positions", "reset", "nobody", ...dirs()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^agentwatch: no saved position for instance nobody in .*monitor_positions\.json; known: a2\n$/,
    );
  });
});

describe("tail", () => {
  it("prints an agent's last cleaned lines", async () => {
    await agent("a1", "\u001b[32mfirst\u001b[39m\nsecond\nthird\n");
    const run = await agentwatch([
      "tail",
      "a1",
      "-n",
      "2",
      "--no-follow",
      "--log-dir",
      join(ws.dir, "logs"),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("second\nthird\n");
  });

  it("follows new output until Ctrl-C", async () => {
    const log = await agent("a1", "old\n");
    let appended = false;
    const run = await agentwatch(["tail", "a1", "--log-dir", join(ws.dir, "logs")], {
      until: (out) => {
        // Once the last lines are shown, the agent writes more; stop when that arrives.
        if (!appended && out.includes("old")) {
          appended = true;
          void appendFile(log, "fresh\n");
        }
        return out.includes("fresh");
      },
    });
    expect(run.stdout).toBe("old\nfresh\n");
    expect(run.code).toBe(0);
  });

  it("names the agents it knows when the instance is unknown", async () => {
    await agent("a1", "x\n");
    const run = await agentwatch(["tail", "ghost", "--log-dir", join(ws.dir, "logs")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("agentwatch: no agent ghost (known: a1)");
  });
});

describe("bad input", () => {
  it.each([
    [["watch", "--bogus"], /^agentwatch: unknown option '--bogus'.*\(see agentwatch --help\)\n$/],
    [
      ["watch", "--interval", "0"],
      /^agentwatch: .*--interval takes a whole number from 1 to 2147483, got "0".*\n$/,
    ],
    [
      ["watch", "--interval", "2147484"],
      /^agentwatch: .*--interval takes a whole number from 1 to 2147483, got "2147484".*\n$/,
    ],
    [
      ["watch", "--interval", "0x10"],
      /^agentwatch: .*--interval takes a whole number from 1 to 2147483, got "0x10".*\n$/,
    ],
    [["frobnicate"], /^agentwatch: unknown command 'frobnicate'.*\n$/],
    [["tail"], /^agentwatch: missing required argument 'instance'.*\n$/],
  ])("%j exits 2 with one line naming what was wrong", async (args, message) => {
    const run = await agentwatch(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("rejects a bad environment variable naming it", async () => {
    const run = await agentwatch(["status"], { env: { AGENTWATCH_POLL_INTERVAL_SECONDS: "soon" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'agentwatch: poll_interval_seconds from environment variable AGENTWATCH_POLL_INTERVAL_SECONDS: expected a positive integer, got "soon"\n',
    );
  });

  it("rejects a config file with a typo", async () => {
    const config = join(ws.dir, "agentwatch.json");
    await writeFile(config, JSON.stringify({ state_dri: "/x" }));
    const run = await agentwatch(["--config", config, "status"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown key state_dri in config file");
    expect(run.stderr).toContain("did you mean state_dir?");
  });

  it("fails with exit 1 when the state dir cannot be used", async () => {
    await mkdir(join(ws.dir, "logs"));
    await writeFile(join(ws.dir, "file"), "");
    const run = await agentwatch([
      "watch",
      "--once",
      "--log-dir",
      join(ws.dir, "logs"),
      "--state-dir",
      join(ws.dir, "file", "state"),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^agentwatch: cannot use .*file\/state as the state directory: a part of its path is not a directory \(ENOTDIR\).*; choose a directory you can write with --state-dir\n$/,
    );
  });
});

describe("demo", () => {
  it("runs simulated agents through the whole pipeline and prints their summaries", async () => {
    const workspace = join(ws.dir, "ws");
    const run = await agentwatch([
      "demo",
      "--workspace",
      workspace,
      "--duration",
      "5",
      "--interval",
      "1",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("5 simulated agents (run 1)");
    expect(run.stdout).toMatch(/db-migrator (blocked|unknown)/);
    expect(run.stdout).toContain(`summaries in ${join(workspace, "summaries")}`);
    const status = JSON.parse(
      (await agentwatch(["status", "--json", "--summary-dir", join(workspace, "summaries")]))
        .stdout,
    ) as unknown[];
    expect(status).toHaveLength(5);
  });
});
