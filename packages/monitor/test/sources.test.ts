import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AgentInfo,
  AgentsFileError,
  type AgentSource,
  type SourceContext,
  SourceError,
  agentsFileSource,
  combineSources,
  globSource,
  layoutSource,
} from "../src/index.js";
import { Workspace } from "./helpers/workspace.js";

let ws: Workspace;

beforeEach(async () => {
  ws = await Workspace.create();
});

afterEach(async () => {
  await ws.remove();
});

/** A source context that records warnings and reported errors. */
function recordingContext() {
  const warnings: string[] = [];
  const notes: string[] = [];
  const reported: Error[] = [];
  const context: SourceContext = {
    logger: {
      debug: () => {},
      info: (fields: unknown, message?: string) => {
        notes.push(String(message ?? fields));
      },
      warn: (fields: unknown, message?: string) => {
        warnings.push(String(message ?? fields));
      },
      error: () => {},
    },
    report: (error) => reported.push(error),
  };
  return { context, warnings, notes, reported };
}

const ids = (agents: AgentInfo[]) => agents.map((agent) => agent.instance_id);

describe("layoutSource", () => {
  it("lists every instance directory with its metadata and tmux_output.log", async () => {
    ws.addAgent("agent-b", {
      instance_name: "backend-dev",
      role: "backend_developer",
      assigned_task: "Implement JWT auth",
      parent_instance_id: "orchestrator",
      created_at: "2026-01-15T09:00:00Z",
    });
    ws.addAgent("agent-a", { instance_name: "frontend" });
    const { context, warnings } = recordingContext();

    const agents = await layoutSource(ws.logDir).list(context);

    expect(agents).toEqual([
      {
        instance_id: "agent-a",
        instance_name: "frontend",
        role: null,
        assigned_task: null,
        parent_instance_id: null,
        created_at: "2026-01-15T09:00:00Z",
        log_file_path: ws.logPath("agent-a"),
        log_type: "tmux_output",
      },
      {
        instance_id: "agent-b",
        instance_name: "backend-dev",
        role: "backend_developer",
        assigned_task: "Implement JWT auth",
        parent_instance_id: "orchestrator",
        created_at: "2026-01-15T09:00:00Z",
        log_file_path: ws.logPath("agent-b"),
        log_type: "tmux_output",
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it("names an agent by its id when metadata.json is missing (noted) or malformed (a warning that quotes none of it), once per agent", async () => {
    ws.addAgent("no-meta", null);
    ws.addAgent("bad-meta", null);
    writeFileSync(join(ws.agentDir("bad-meta"), "metadata.json"), "{ secret-token-123");
    const source = layoutSource(ws.logDir);
    const { context, warnings, notes } = recordingContext();

    for (let i = 0; i < 3; i++) {
      const agents = await source.list(context);
      expect(agents.map((agent) => [agent.instance_id, agent.instance_name])).toEqual([
        ["bad-meta", "bad-meta"],
        ["no-meta", "no-meta"],
      ]);
    }

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("bad-meta");
    expect(warnings[0]).toContain("not valid JSON");
    expect(warnings[0]).not.toContain("secret");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("no-meta");
    expect(notes[0]).toContain("no ");
  });

  it("re-reads metadata.json when it changes", async () => {
    ws.addAgent("a", { instance_name: "first" });
    const source = layoutSource(ws.logDir);
    const { context } = recordingContext();
    expect((await source.list(context))[0]?.instance_name).toBe("first");

    const path = join(ws.agentDir("a"), "metadata.json");
    writeFileSync(path, JSON.stringify({ instance_name: "renamed", role: "reviewer" }));
    utimesSync(path, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000));

    expect(await source.list(context)).toMatchObject([
      { instance_name: "renamed", role: "reviewer" },
    ]);
  });

  it("lists nothing while the instances directory does not exist", async () => {
    const { context } = recordingContext();
    expect(await layoutSource(join(ws.root, "absent")).list(context)).toEqual([]);
  });
});

describe("globSource", () => {
  it("takes the instance id from the parent directory and the log type from the file name", async () => {
    mkdirSync(join(ws.root, "g", "alpha"), { recursive: true });
    mkdirSync(join(ws.root, "g", "beta"), { recursive: true });
    writeFileSync(join(ws.root, "g", "alpha", "tmux_output.log"), "");
    writeFileSync(join(ws.root, "g", "beta", "codex.session.log"), "");
    writeFileSync(join(ws.root, "g", "beta", "notes.txt"), "");
    const { context } = recordingContext();

    const agents = await globSource("g/*/*.log", { cwd: ws.root }).list(context);

    expect(
      agents.map((a) => [a.instance_id, a.log_type, a.log_file_path, a.instance_name]),
    ).toEqual([
      ["alpha", "tmux_output", join(ws.root, "g", "alpha", "tmux_output.log"), "alpha"],
      ["beta", "codex.session", join(ws.root, "g", "beta", "codex.session.log"), "beta"],
    ]);
  });

  it("keeps the first file in path order when two give the same instance id, warning once", async () => {
    mkdirSync(join(ws.root, "x", "agent"), { recursive: true });
    mkdirSync(join(ws.root, "y", "agent"), { recursive: true });
    writeFileSync(join(ws.root, "x", "agent", "out.log"), "");
    writeFileSync(join(ws.root, "y", "agent", "out.log"), "");
    const source = globSource(join(ws.root, "*", "agent", "*.log"));
    const { context, warnings } = recordingContext();

    await source.list(context);
    const agents = await source.list(context);

    expect(agents).toHaveLength(1);
    expect(agents[0]?.log_file_path).toBe(join(ws.root, "x", "agent", "out.log"));
    expect(warnings).toHaveLength(1);
  });
});

describe("agentsFileSource", () => {
  const entry = (id: string, extra: Record<string, unknown> = {}) => ({
    instance_id: id,
    instance_name: `${id}-name`,
    role: "dev",
    assigned_task: `task of ${id}`,
    parent_instance_id: null,
    log_file_path: `logs/${id}.log`,
    ...extra,
  });

  it("reads an array or { agents: [...] }, resolving log paths relative to the file", async () => {
    const file = join(ws.root, "agents.json");
    writeFileSync(file, JSON.stringify([entry("a1")]));
    const source = agentsFileSource(file);
    const { context, reported } = recordingContext();

    expect(await source.list(context)).toEqual([
      {
        instance_id: "a1",
        instance_name: "a1-name",
        role: "dev",
        assigned_task: "task of a1",
        parent_instance_id: null,
        created_at: null,
        log_file_path: join(ws.root, "logs", "a1.log"),
        log_type: "tmux_output",
      },
    ]);

    writeFileSync(
      file,
      JSON.stringify({ agents: [entry("a1"), entry("a2", { log_type: "codex" })] }),
    );
    utimesSync(file, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000));
    const agents = await source.list(context);
    expect(ids(agents)).toEqual(["a1", "a2"]);
    expect(agents[1]?.log_type).toBe("codex");
    expect(reported).toEqual([]);
  });

  it.each([
    ["{ half written", "not valid JSON"],
    [JSON.stringify({ agent: [] }), "expected a JSON array"],
    [JSON.stringify([{ instance_name: "x", log_file_path: "x.log" }]), "agents[0].instance_id"],
    [JSON.stringify([{ instance_id: "x", log_file_path: 7 }]), "agents[0].log_file_path"],
    [JSON.stringify([{ instance_id: "x", log_file_path: "x", role: 1 }]), "agents[0].role"],
    [JSON.stringify([entry("x"), entry("x")]), "listed twice"],
  ])("keeps the previous list and reports a malformed file once: %s", async (text, fragment) => {
    const file = join(ws.root, "agents.json");
    writeFileSync(file, JSON.stringify([entry("kept")]));
    const source = agentsFileSource(file);
    const { context, reported } = recordingContext();
    await source.list(context);

    writeFileSync(file, text);
    utimesSync(file, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000));
    expect(ids(await source.list(context))).toEqual(["kept"]);
    expect(ids(await source.list(context))).toEqual(["kept"]);

    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(AgentsFileError);
    expect(reported[0]?.message).toContain(fragment);
    expect(reported[0]?.message).toContain(file);
  });

  it("reports a missing agents file once and lists nothing until it exists", async () => {
    const file = join(ws.root, "later.json");
    const source = agentsFileSource(file);
    const { context, reported } = recordingContext();

    expect(await source.list(context)).toEqual([]);
    expect(await source.list(context)).toEqual([]);
    expect(reported).toHaveLength(1);
    expect((reported[0] as AgentsFileError).code).toBe("AGENTS_FILE_INVALID");

    writeFileSync(file, JSON.stringify([entry("late")]));
    expect(ids(await source.list(context))).toEqual(["late"]);
  });
});

describe("combineSources", () => {
  const fixed = (name: string, agents: AgentInfo[]): AgentSource => ({
    name,
    list: () => Promise.resolve(agents),
  });
  const agent = (id: string, name: string): AgentInfo => ({
    instance_id: id,
    instance_name: name,
    role: null,
    assigned_task: null,
    parent_instance_id: null,
    created_at: null,
    log_file_path: `/logs/${id}.log`,
    log_type: "tmux_output",
  });

  it("merges by instance id, the first source winning", async () => {
    const combined = combineSources(
      fixed("one", [agent("a", "from one")]),
      fixed("two", [agent("a", "from two"), agent("b", "from two")]),
    );
    const { context } = recordingContext();

    const agents = await combined.list(context);

    expect(agents.map((a) => [a.instance_id, a.instance_name])).toEqual([
      ["a", "from one"],
      ["b", "from two"],
    ]);
    expect(combined.name).toBe("one+two");
  });

  it("keeps a failing source's previous list and reports the failure", async () => {
    let fail = false;
    const flaky: AgentSource = {
      name: "flaky",
      list: () => (fail ? Promise.reject(new Error("EIO")) : Promise.resolve([agent("f", "f")])),
    };
    const combined = combineSources(flaky, fixed("steady", [agent("s", "s")]));
    const { context, reported } = recordingContext();
    await combined.list(context);
    fail = true;

    const agents = await combined.list(context);

    expect(ids(agents)).toEqual(["f", "s"]);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(SourceError);
    expect(reported[0]?.message).toContain("flaky");
  });
});
