import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TmuxServer, waitFor, writeFakeAgents } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { useCliWorkspace } from "./helpers/cli.js";

const ws = useCliWorkspace();
let tmux: TmuxServer;
let bin: string;
beforeEach(async () => {
  tmux = await TmuxServer.create();
  bin = await writeFakeAgents(ws.dir);
});
afterEach(async () => {
  await tmux.kill();
});

/** A session running `command` with the fake agents on PATH, once it printed something. */
async function pane(session: string, command: string): Promise<string> {
  const id = await tmux.newSession(session, `PATH='${bin}':"$PATH" ${command}`);
  await waitFor(async () => (await tmux.capture(id)).trim() !== "", {
    what: `the ${session} pane to start`,
  });
  return id;
}

/** Four panes: three agents (Claude Code at a permission prompt, Codex, aider), one shell. */
async function fleet(): Promise<void> {
  await pane("claude-db", "claude");
  await pane("codex-payments", "codex");
  await pane("aider-api", "aider");
  await pane("shell", "sh -c 'echo a plain shell; exec cat'");
}

interface Event {
  type: string;
  summary?: {
    instance_id: string;
    instance_name: string;
    activity_state?: string;
    assigned_task?: string | null;
  };
  agent?: { instance_name: string };
}

function events(stdout: string): Event[] {
  return stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Event);
}

describe("agentwatch watch --tmux", () => {
  it("reports exactly the three agent panes, by name, the one at a permission prompt waiting at once", async () => {
    await fleet();
    const run = await ws.run(["watch", "--tmux", "--tmux-socket", tmux.socket, "--once", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const all = events(run.stdout);
    const added = all.filter((e) => e.type === "agent_added").map((e) => e.agent!.instance_name);
    expect(added.sort()).toEqual(["aider-api:0.0", "claude-db:0.0", "codex-payments:0.0"]);
    const summaries = new Map(
      all.filter((e) => e.type === "summary").map((e) => [e.summary!.instance_name, e.summary!]),
    );
    expect(summaries.get("claude-db:0.0")?.activity_state).toBe("waiting_permission");
    expect([...summaries.keys()].sort()).toEqual([
      "aider-api:0.0",
      "claude-db:0.0",
      "codex-payments:0.0",
    ]);
  });

  it("takes a pane's name and task from an agents file that names the pane", async () => {
    await fleet();
    const agents = join(ws.dir, "agents.json");
    await writeFile(
      agents,
      JSON.stringify([
        {
          tmux_pane: "claude-db:0.0",
          instance_name: "db-migrator",
          assigned_task: "Add the email_verified column",
        },
      ]),
    );
    const run = await ws.run([
      "watch",
      "--tmux",
      "--tmux-socket",
      tmux.socket,
      "--agents",
      agents,
      "--once",
      "--json",
    ]);
    expect(run.stderr).toBe("");
    const summaries = events(run.stdout)
      .filter((e) => e.type === "summary")
      .map((e) => e.summary!);
    expect(summaries.find((s) => s.instance_name === "db-migrator")?.assigned_task).toBe(
      "Add the email_verified column",
    );
    // A pane the file does not name: the task its user gave it, as its screen shows it.
    expect(summaries.find((s) => s.instance_name === "codex-payments:0.0")?.assigned_task).toBe(
      "Refactor the payment module to use the Money type",
    );
  });

  it("keeps its state in the XDG state directory, leaves no pipe behind after --once, and status finds it", async () => {
    await fleet();
    const env = { XDG_STATE_HOME: join(ws.dir, "xdg") };
    const run = await ws.run(["watch", "--tmux", "--tmux-socket", tmux.socket, "--once"], { env });
    expect(run.code).toBe(0);
    const home = join(ws.dir, "xdg", "agentwatch");
    expect((await stat(join(home, "summaries"))).mode & 0o777).toBe(0o700);
    expect(await readFile(join(home, "state", "monitor_positions.json"), "utf8")).toContain(
      "tmux-",
    );
    const pipes = await tmux.tmux("list-panes", "-a", "-F", "#{pane_pipe}");
    expect(pipes.trim().split("\n")).toEqual(["0", "0", "0", "0"]);

    const status = await ws.run(["status"], { env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/claude-db:0\.0 blocked [\d.]+ waiting_permission/);
  });

  it("tmux panes says which panes are agents and why; tmux detach removes only agentwatch's pipes", async () => {
    await fleet();
    const theirs = join(ws.dir, "theirs.log");
    await tmux.tmux("pipe-pane", "-t", "shell", `cat >> '${theirs}'`);
    const panes = await ws.run(["tmux", "panes", "--tmux-socket", tmux.socket]);
    expect(panes.code).toBe(0);
    expect(panes.stdout).toMatch(/claude-db:0\.0 .*watched as tmux-[0-9a-f]+-\d+: runs claude/);
    expect(panes.stdout).toMatch(/shell:0\.0 .*not an agent/);

    const run = await ws.run(
      ["watch", "--tmux", "--tmux-socket", tmux.socket, "--once", "--keep-capture"],
      { env: { XDG_STATE_HOME: join(ws.dir, "xdg") } },
    );
    expect(run.code).toBe(0);
    const piped = async () =>
      (await tmux.tmux("list-panes", "-a", "-F", "#{session_name} #{pane_pipe}"))
        .trim()
        .split("\n")
        .sort();
    expect(await piped()).toEqual(["aider-api 1", "claude-db 1", "codex-payments 1", "shell 1"]);
    const detach = await ws.run(["tmux", "detach", "--tmux-socket", tmux.socket], {
      env: { XDG_STATE_HOME: join(ws.dir, "xdg") },
    });
    expect(detach.stdout).toContain("removed 3 pipes");
    expect(await piped()).toEqual(["aider-api 0", "claude-db 0", "codex-payments 0", "shell 1"]);
  });
});
