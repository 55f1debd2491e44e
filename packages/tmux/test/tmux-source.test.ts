import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SourceContext } from "@agentwatch/monitor";
import { TmuxServer, waitFor, writeFakeAgents } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TmuxSource, tmuxSource } from "../src/index.js";

let dir: string;
let tmux: TmuxServer;
let bin: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentwatch-tmux-"));
  bin = await writeFakeAgents(dir);
  tmux = await TmuxServer.create();
});
afterEach(async () => {
  await tmux.kill();
  await rm(dir, { recursive: true, force: true });
});

const reported: Error[] = [];
const context: SourceContext = {
  logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  report: (error) => reported.push(error),
};

function source(extra: Partial<Parameters<typeof tmuxSource>[0]> = {}): TmuxSource {
  return tmuxSource({
    server: { socketName: tmux.socket, env: tmux.env() },
    captureDir: join(dir, "state", "tmux"),
    ...extra,
  });
}

/** Starts a session running `command` with the fake agents on PATH; resolves with its pane id. */
async function pane(session: string, command: string): Promise<string> {
  const id = await tmux.newSession(session, `PATH='${bin}':"$PATH" ${command}`);
  await waitFor(async () => (await tmux.capture(id)).trim() !== "", {
    what: `the ${session} pane to print something`,
  });
  return id;
}

describe("tmuxSource", () => {
  it("lists the panes that run an agent, named by their session, and leaves a shell alone", async () => {
    await pane("claude-work", "claude");
    await pane("codex-work", "codex");
    await pane("aider-work", "aider");
    await pane("shell", "sh -c 'echo just a shell; exec cat'");
    const agents = await source().list(context);
    expect(agents.map((a) => [a.instance_name, a.role]).sort()).toEqual([
      ["aider-work:0.0", "aider"],
      ["claude-work:0.0", "claude"],
      ["codex-work:0.0", "codex"],
    ]);
    expect(new Set(agents.map((a) => a.instance_id)).size).toBe(3);
    for (const agent of agents) expect(agent.instance_id).toMatch(/^tmux-[0-9a-f]{6}-\d+$/);
    expect(reported).toEqual([]);
  });

  it("seeds each capture with the pane's screen, then captures every new line through a pipe", async () => {
    const id = await pane("claude-work", "claude");
    const [agent] = await source().list(context);
    const seeded = await readFile(agent!.log_file_path, "utf8");
    expect(seeded).toContain("Do you want to proceed?");
    expect((await stat(agent!.log_file_path)).mode & 0o777).toBe(0o600);
    await tmux.tmux("send-keys", "-t", id, "1", "Enter");
    await waitFor(
      async () => (await readFile(agent!.log_file_path, "utf8")).includes("answered: 1"),
      { what: "the pane's new output in its capture file" },
    );
  });

  it("keeps the same instance id for a pane across sources (agentwatch restarts)", async () => {
    await pane("claude-work", "claude");
    const first = await source().list(context);
    const second = await source().list(context);
    expect(second.map((a) => a.instance_id)).toEqual(first.map((a) => a.instance_id));
    expect(second[0]?.log_file_path).toBe(first[0]?.log_file_path);
  });

  it("takes named sessions and panes, and all panes with all", async () => {
    const shell = await pane("ops", "sh -c 'echo deploy log; exec cat'");
    await pane("misc", "sh -c 'echo other; exec cat'");
    expect(await source({ sessions: ["ops"] }).list(context)).toHaveLength(1);
    expect(await source({ panes: [shell] }).list(context)).toHaveLength(1);
    expect(await source({ all: true }).list(context)).toHaveLength(2);
    expect(await source({ agentCommands: ["cat"] }).list(context)).toHaveLength(2);
  });

  it("never replaces a pipe the user attached: it reads that pane by its screen", async () => {
    const id = await pane("claude-work", "claude");
    const theirs = join(dir, "their-capture.log");
    await tmux.tmux("pipe-pane", "-t", id, `cat >> '${theirs}'`);
    const src = source();
    const [agent] = await src.list(context);
    expect(await readFile(agent!.log_file_path, "utf8")).toMatch(
      /^={80}\n\[[^\]]+\]\n={80}\n[\s\S]*Do you want to proceed\?/,
    );
    await tmux.tmux("send-keys", "-t", id, "2", "Enter");
    await waitFor(async () => (await readFile(theirs, "utf8")).includes("answered: 2"), {
      what: "the user's own pipe to keep working",
    });
    expect(await src.detach()).toBe(0);
    expect((await tmux.tmux("display-message", "-p", "-t", id, "#{pane_pipe}")).trim()).toBe("1");
  });

  it("detach removes the pipes it attached, and only those", async () => {
    const ours = await pane("claude-work", "claude");
    const mine = await pane("codex-work", "codex");
    await tmux.tmux("pipe-pane", "-t", mine, `cat >> '${join(dir, "mine.log")}'`);
    const src = source();
    await src.list(context);
    expect(await src.detach()).toBe(1);
    const pipe = async (id: string) =>
      (await tmux.tmux("display-message", "-p", "-t", id, "#{pane_pipe}")).trim();
    expect(await pipe(ours)).toBe("0");
    expect(await pipe(mine)).toBe("1");
  });

  it("a clean shutdown removes only the pipes this process attached: a second agentwatch's stay", async () => {
    const id = await pane("claude-work", "claude");
    const first = source();
    const second = source();
    const [a] = await first.list(context);
    const [b] = await second.list(context); // finds the pipe into its own capture file: adopts it
    expect(b?.log_file_path).toBe(a?.log_file_path);
    expect(await second.detach({ onlyMine: true })).toBe(0);
    const pipe = async () =>
      (await tmux.tmux("display-message", "-p", "-t", id, "#{pane_pipe}")).trim();
    expect(await pipe()).toBe("1");
    expect(await first.detach({ onlyMine: true })).toBe(1);
    expect(await pipe()).toBe("0");
  });

  it("rotates a capture past its size limit: the rest goes to a new file, nothing is lost", async () => {
    const id = await pane("claude-work", "claude");
    const src = source({ captureMaxBytes: 200 });
    const [agent] = await src.list(context);
    const path = agent!.log_file_path;
    await src.list(context); // past 200 bytes already (the seed): rotated, re-piped
    await tmux.tmux("send-keys", "-t", id, "after rotation", "Enter");
    await waitFor(async () => (await readFile(path, "utf8")).includes("answered: after rotation"), {
      what: "new output in the new capture file",
    });
    expect(await readFile(`${path}.1`, "utf8")).toContain("Do you want to proceed?");
  });

  it("takes a pane's name, role and task from what it is told of the pane", async () => {
    const id = await pane("claude-work", "claude");
    const [agent] = await source({
      describe: (p) =>
        Promise.resolve(
          p.paneId === id
            ? { instance_name: "db-migrator", assigned_task: "Add the email_verified column" }
            : undefined,
        ),
    }).list(context);
    expect(agent).toMatchObject({
      instance_name: "db-migrator",
      role: "claude",
      assigned_task: "Add the email_verified column",
    });
  });

  it("lists nothing when no tmux server runs", async () => {
    await tmux.kill();
    expect(await source().list(context)).toEqual([]);
  });
});
