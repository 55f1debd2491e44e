import { existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AgentInfo,
  AgentsFileError,
  type AgentSource,
  InstanceIdError,
  type SourceContext,
  SourceError,
  agentsFileSource,
  combineSources,
  globSource,
  layoutSource,
  parseAgentsFile,
  parseAgentsFilePanes,
} from "../src/index.js";
import { Workspace, instanceRecord } from "./helpers/workspace.js";

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

  describe("with the orchestrator's state/instances.json", () => {
    const record = (id: string, fields: Record<string, unknown> = {}) =>
      instanceRecord(id, { name: `${id}-state-name`, ...fields });
    const stateFile = () => join(ws.logDir, "state", "instances.json");
    function writeInstances(records: Record<string, unknown>, text?: string): void {
      mkdirSync(join(ws.logDir, "state"), { recursive: true });
      writeFileSync(stateFile(), text ?? JSON.stringify(records, null, 2));
    }
    const bump = (seconds: number) =>
      utimesSync(
        stateFile(),
        new Date(Date.now() + seconds * 1000),
        new Date(Date.now() + seconds * 1000),
      );

    it("takes role, task, name, parent and state from it, metadata.json's own values first", async () => {
      ws.addAgent("lead", { instance_name: "lead-meta", assigned_task: "Task from metadata" });
      ws.addAgent("worker", null);
      ws.addAgent("plain", { instance_name: "plain-meta", role: "meta-role" });
      writeInstances({
        lead: record("lead", { role: "architect", initial_prompt: "Task from the prompt" }),
        worker: record("worker", {
          name: "worker-1",
          role: "backend_developer",
          state: "idle",
          initial_prompt: "Build the API",
          parent_instance_id: "lead",
        }),
        plain: record("plain", { role: "state-role", state: "initializing", initial_prompt: "" }),
      });
      const { context, warnings } = recordingContext();

      const agents = await layoutSource(ws.logDir).list(context);

      expect(agents).toEqual([
        {
          instance_id: "lead",
          instance_name: "lead-meta",
          role: "architect",
          assigned_task: "Task from metadata",
          parent_instance_id: null,
          created_at: "2026-01-15T09:00:00Z",
          log_file_path: ws.logPath("lead"),
          log_type: "tmux_output",
          orchestrator_state: "busy",
        },
        {
          instance_id: "plain",
          instance_name: "plain-meta",
          role: "meta-role",
          assigned_task: null,
          parent_instance_id: null,
          created_at: "2026-01-15T09:00:00Z",
          log_file_path: ws.logPath("plain"),
          log_type: "tmux_output",
          orchestrator_state: "initializing",
        },
        {
          instance_id: "worker",
          instance_name: "worker-1",
          role: "backend_developer",
          assigned_task: "Build the API",
          parent_instance_id: "lead",
          created_at: "2026-01-15T08:00:00",
          log_file_path: ws.logPath("worker"),
          log_type: "tmux_output",
          orchestrator_state: "idle",
        },
      ]);
      expect(warnings).toEqual([]);
    });

    it("lists an instance it records that has no directory, without creating one", async () => {
      ws.addAgent("with-dir");
      writeInstances({
        "with-dir": record("with-dir"),
        replier: record("replier", { state: "idle" }),
      });
      const { context, notes, warnings } = recordingContext();

      const agents = await layoutSource(ws.logDir).list(context);

      expect(
        agents.map((a) => [a.instance_id, a.instance_name, a.orchestrator_state, a.log_file_path]),
      ).toEqual([
        ["replier", "replier-state-name", "idle", ws.logPath("replier")],
        ["with-dir", "with-dir-name", "busy", ws.logPath("with-dir")],
      ]);
      expect(existsSync(ws.agentDir("replier"))).toBe(false);
      expect([...notes, ...warnings]).toEqual([]);
    });

    it("keeps the previous records when it becomes malformed, warning once per version and quoting none of it", async () => {
      writeInstances({ a: record("a", { state: "busy" }), "bad/id": record("x") });
      const source = layoutSource(ws.logDir);
      const { context, warnings, reported } = recordingContext();
      expect(
        (await source.list(context)).map((a) => [a.instance_id, a.orchestrator_state]),
      ).toEqual([["a", "busy"]]);
      expect(warnings).toHaveLength(1); // the id that cannot name a directory
      expect(warnings[0]).toContain("cannot name a directory");
      expect(warnings[0]).not.toContain("bad/id");

      writeInstances({}, '{ "a": { "state": "secret-token-123"');
      bump(5);
      for (let i = 0; i < 3; i++) {
        expect(
          (await source.list(context)).map((a) => [a.instance_id, a.orchestrator_state]),
        ).toEqual([["a", "busy"]]);
      }
      expect(warnings).toHaveLength(2);
      expect(warnings[1]).toContain(stateFile());
      expect(warnings[1]).toContain("not valid JSON");
      expect(warnings.join("\n")).not.toContain("secret");

      writeInstances({ a: record("a", { state: "terminated" }) });
      bump(10);
      expect(
        (await source.list(context)).map((a) => [a.instance_id, a.orchestrator_state]),
      ).toEqual([["a", "terminated"]]);
      expect(reported).toEqual([]);
    });

    it("reads it again only when its size or modification time changes", async () => {
      writeInstances({ a: record("a", { state: "busy" }) });
      bump(5);
      const source = layoutSource(ws.logDir);
      const { context } = recordingContext();
      expect((await source.list(context))[0]?.orchestrator_state).toBe("busy");

      // same size, same time: not read again
      const info = statSync(stateFile());
      writeInstances({ a: record("a", { state: "idle" }) });
      utimesSync(stateFile(), info.atime, info.mtime);
      expect(statSync(stateFile()).size).toBe(info.size);
      expect((await source.list(context))[0]?.orchestrator_state).toBe("busy");

      bump(10);
      expect((await source.list(context))[0]?.orchestrator_state).toBe("idle");
    });
  });
});

describe("globSource", () => {
  /** Creates empty files (and their directories) under the workspace root. */
  function touch(...paths: string[]): void {
    for (const path of paths) {
      mkdirSync(dirname(join(ws.root, path)), { recursive: true });
      writeFileSync(join(ws.root, path), "");
    }
  }
  const rows = (agents: AgentInfo[]) =>
    agents.map((a) => [a.instance_id, a.log_type, a.log_file_path, a.instance_name]);

  it("gives one agent per file of a directory, each named by its file without the extension", async () => {
    touch(
      "agent-logs/backend.log",
      "agent-logs/frontend.log",
      "agent-logs/reviewer.log",
      "agent-logs/tests.log",
      "agent-logs/notes.txt",
    );
    const { context, reported, warnings } = recordingContext();

    const agents = await globSource("agent-logs/*.log", { cwd: ws.root }).list(context);

    const file = (name: string) => join(ws.root, "agent-logs", `${name}.log`);
    expect(rows(agents)).toEqual([
      ["backend", "backend", file("backend"), "backend"],
      ["frontend", "frontend", file("frontend"), "frontend"],
      ["reviewer", "reviewer", file("reviewer"), "reviewer"],
      ["tests", "tests", file("tests"), "tests"],
    ]);
    expect(reported).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("names a tmux_output.log by its directory (the orchestrator's layout) and any other file by its name", async () => {
    touch("g/alpha/tmux_output.log", "g/beta/tmux_output.log", "g/gamma/codex.session.log");
    const { context, reported } = recordingContext();

    const agents = await globSource("g/*/*.log", { cwd: ws.root }).list(context);

    expect(rows(agents)).toEqual([
      ["alpha", "tmux_output", join(ws.root, "g", "alpha", "tmux_output.log"), "alpha"],
      ["beta", "tmux_output", join(ws.root, "g", "beta", "tmux_output.log"), "beta"],
      [
        "codex.session",
        "codex.session",
        join(ws.root, "g", "gamma", "codex.session.log"),
        "codex.session",
      ],
    ]);
    expect(reported).toEqual([]);
  });

  it("shows every file when names collide: the later ones in path order get numbered ids, one report each", async () => {
    touch("a/out.log", "b/out.log", "c/out-2.log", "d/out.log");
    const source = globSource(join(ws.root, "*", "*.log"));
    const { context, reported, warnings } = recordingContext();

    for (let i = 0; i < 3; i++) {
      const agents = await source.list(context);
      expect(agents.map((a) => [a.instance_id, a.log_file_path])).toEqual([
        ["out", join(ws.root, "a", "out.log")],
        ["out-3", join(ws.root, "b", "out.log")],
        ["out-2", join(ws.root, "c", "out-2.log")],
        ["out-4", join(ws.root, "d", "out.log")],
      ]);
    }

    expect(
      reported.map((error) => [
        error instanceof InstanceIdError,
        error.name,
        (error as InstanceIdError).code,
        (error as InstanceIdError).instanceId,
      ]),
    ).toEqual([
      [true, "InstanceIdError", "INSTANCE_ID_CONFLICT", "out-3"],
      [true, "InstanceIdError", "INSTANCE_ID_CONFLICT", "out-4"],
    ]);
    expect(reported[0]?.message).toContain(join(ws.root, "b", "out.log"));
    expect(reported[0]?.message).toContain(join(ws.root, "a", "out.log"));
    expect(reported[0]?.message).toContain('"out-3"');
    expect(reported[1]?.message).toContain('"out-4"');
    for (const error of reported) expect(error.message).not.toContain("\n");
    expect(warnings).toEqual([]);
  });

  it("keeps a file's id while it matches when a colliding file appears or disappears; a new source numbers in path order", async () => {
    touch("m/x.log");
    const pattern = join(ws.root, "*", "x.log");
    const source = globSource(pattern);
    const { context, reported } = recordingContext();
    const listing = async (from = source) =>
      (await from.list(context)).map((a) => [a.instance_id, relative(ws.root, a.log_file_path)]);
    expect(await listing()).toEqual([["x", "m/x.log"]]);

    touch("a/x.log"); // sorts first, yet the running agent keeps its id
    expect(await listing()).toEqual([
      ["x-2", "a/x.log"],
      ["x", "m/x.log"],
    ]);
    expect(reported).toHaveLength(1);

    rmSync(join(ws.root, "m", "x.log")); // its agent is gone: the other one is not renamed
    expect(await listing()).toEqual([["x-2", "a/x.log"]]);

    touch("m/x.log"); // back: it gets its own name again
    expect(await listing()).toEqual([
      ["x-2", "a/x.log"],
      ["x", "m/x.log"],
    ]);
    expect(reported).toHaveLength(1);

    // After a restart, colliding files are numbered in path order.
    expect(await listing(globSource(pattern))).toEqual([
      ["x", "a/x.log"],
      ["x-2", "m/x.log"],
    ]);
  });

  it("skips a file whose name cannot be an instance id, reporting it once", async () => {
    const long = "n".repeat(140);
    touch("bad/ok.log", "bad/back\\slash.log", `bad/${long}.log`);
    const source = globSource("bad/*.log", { cwd: ws.root });
    const { context, reported } = recordingContext();

    await source.list(context);
    const agents = await source.list(context);

    expect(ids(agents)).toEqual(["ok"]);
    expect(reported).toHaveLength(2);
    expect(reported.map((error) => (error as { code?: string }).code)).toEqual([
      "INVALID_INSTANCE_ID",
      "INVALID_INSTANCE_ID",
    ]);
    expect(reported[0]?.message).toContain(join(ws.root, "bad", "back\\slash.log"));
    expect(reported[0]?.message).toContain("path separator");
    expect(reported[1]?.message).toContain("bytes long");
    for (const error of reported) expect(error.message).toContain("rename");
  });
});

describe("paths with ~ and relative paths", () => {
  it("resolves ~ against the given home and relative paths against the given cwd, for every source", async () => {
    // a home and a cwd with glob metacharacters in their names: they are paths, not patterns
    const home = join(ws.root, "home (1) [x]");
    const cwd = join(ws.root, "work{a,b}");
    mkdirSync(join(home, "agent-logs"), { recursive: true });
    mkdirSync(join(cwd, "logs"), { recursive: true });
    writeFileSync(join(home, "agent-logs", "api.log"), "");
    writeFileSync(join(cwd, "logs", "web.log"), "");
    mkdirSync(join(home, "madrox", "instances", "h1"), { recursive: true });
    mkdirSync(join(cwd, "madrox", "instances", "c1"), { recursive: true });
    writeFileSync(
      join(home, "agents.json"),
      JSON.stringify([{ instance_id: "f1", log_file_path: "f1.log" }]),
    );
    writeFileSync(
      join(cwd, "agents.json"),
      JSON.stringify([{ instance_id: "f2", log_file_path: "f2.log" }]),
    );
    const { context, reported } = recordingContext();
    const paths = async (source: AgentSource) =>
      (await source.list(context)).map((a) => [a.instance_id, a.log_file_path]);

    expect(await paths(globSource("~/agent-logs/*.log", { cwd, home }))).toEqual([
      ["api", join(home, "agent-logs", "api.log")],
    ]);
    expect(await paths(globSource(["logs/*.log", "~/agent-logs/*.log"], { cwd, home }))).toEqual([
      ["api", join(home, "agent-logs", "api.log")],
      ["web", join(cwd, "logs", "web.log")],
    ]);
    expect(await paths(layoutSource("~/madrox", { cwd, home }))).toEqual([
      ["h1", join(home, "madrox", "instances", "h1", "tmux_output.log")],
    ]);
    expect(await paths(layoutSource("madrox", { cwd, home }))).toEqual([
      ["c1", join(cwd, "madrox", "instances", "c1", "tmux_output.log")],
    ]);
    expect(await paths(agentsFileSource("~/agents.json", { cwd, home }))).toEqual([
      ["f1", join(home, "f1.log")],
    ]);
    expect(await paths(agentsFileSource("agents.json", { cwd, home }))).toEqual([
      ["f2", join(cwd, "f2.log")],
    ]);
    expect(reported).toEqual([]);
  });

  it("refuses a path starting with ~ when no home was given, and a cwd or home that is not absolute", () => {
    expect(() => globSource("~/agent-logs/*.log")).toThrow(/home/);
    expect(() => layoutSource("~/madrox_logs")).toThrow(/home/);
    expect(() => agentsFileSource("~/agents.json")).toThrow(/home/);
    expect(() => globSource("*.log", { cwd: "relative/dir" })).toThrow(/absolute/);
    expect(() => layoutSource("logs", { home: "home" })).toThrow(/absolute/);
    expect(() => globSource("~/x/*.log")).toThrow(
      expect.objectContaining({ name: "InvalidOptionError", option: "home" }),
    );
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

  it("resolves log paths relative to the agents file's own directory, and ~ against home", async () => {
    const cwd = join(ws.root, "cwd");
    const home = join(ws.root, "home");
    const dir = join(cwd, "team", "config");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "agents.json"),
      JSON.stringify([
        { instance_id: "near", log_file_path: "logs/near.log" },
        { instance_id: "up", log_file_path: "../up.log" },
        { instance_id: "homed", log_file_path: "~/agent-logs/homed.log" },
        { instance_id: "tilde-dir", log_file_path: "~" },
        { instance_id: "absolute", log_file_path: "/var/log/absolute.log" },
        { instance_id: "not-home", log_file_path: "~other/x.log" },
      ]),
    );
    const { context, reported } = recordingContext();

    const agents = await agentsFileSource("team/config/agents.json", { cwd, home }).list(context);

    expect(agents.map((a) => [a.instance_id, a.log_file_path])).toEqual([
      ["near", join(dir, "logs", "near.log")],
      ["up", join(cwd, "team", "up.log")],
      ["homed", join(home, "agent-logs", "homed.log")],
      ["tilde-dir", home],
      ["absolute", "/var/log/absolute.log"],
      ["not-home", join(dir, "~other", "x.log")],
    ]);
    expect(reported).toEqual([]);
  });

  it("reports an entry whose log path starts with ~ when the source was given no home", async () => {
    const file = join(ws.root, "agents.json");
    writeFileSync(file, JSON.stringify([{ instance_id: "h", log_file_path: "~/h.log" }]));
    const { context, reported } = recordingContext();

    expect(await agentsFileSource(file).list(context)).toEqual([]);

    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain("agents[0].log_file_path");
    expect(reported[0]?.message).toContain("home");
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

describe("agents-file entries for tmux panes", () => {
  const text = JSON.stringify([
    { instance_id: "api", log_file_path: "logs/api.log", assigned_task: "Serve the API" },
    { tmux_pane: "work:1.0", instance_name: "db-migrator", assigned_task: "Add a column" },
  ]);

  it("describe panes, and are not agents of the agents-file source", () => {
    expect(parseAgentsFile(text, "/base").map((a) => a.instance_id)).toEqual(["api"]);
    expect(parseAgentsFilePanes(text)).toEqual([
      {
        tmux_pane: "work:1.0",
        instance_name: "db-migrator",
        role: null,
        assigned_task: "Add a column",
        parent_instance_id: null,
      },
    ]);
  });

  it("name a bad field, and never quote the file when it is not JSON", () => {
    expect(() => parseAgentsFilePanes(JSON.stringify([{ tmux_pane: 3 }]))).toThrow(
      "agents[0].tmux_pane: expected a non-empty string (got 3)",
    );
    expect(() => parseAgentsFilePanes('{ "secret-token": ')).toThrow(/^not valid JSON$/);
  });
});
