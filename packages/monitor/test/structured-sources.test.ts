import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeActivity } from "@agentwatch/activity";
import { SummaryGenerator } from "@agentwatch/summarizer";
import { describe, expect, it } from "vitest";
import {
  type AgentSource,
  type MonitoredSummary,
  bareAgent,
  claudeSessionsSource,
  codexSessionsSource,
  combineSources,
  createTranscriptsAnalyzer,
  joinSessions,
} from "../src/index.js";
import { FakeClock } from "./helpers/fake-clock.js";
import { warningLogger } from "./helpers/recording-logger.js";
import { Workspace, harness, useWorkspace } from "./helpers/workspace.js";

let ws: Workspace;
useWorkspace((created) => (ws = created));

const FIXTURES = fileURLToPath(new URL("../../transcripts/test/fixtures/", import.meta.url));
const CLAUDE_SESSION = "7f3c9a2e-5b1d-4c8e-9f0a-1b2c3d4e5f60";
const CODEX_SESSION = "019a7b3c-1d2e-7f40-8a5b-6c7d8e9f0a1b";

/** A home with one Claude Code project and one Codex session, as the tools leave them. */
function fakeHome(clock: FakeClock): { claude: string; codex: string; transcript: string } {
  const claude = join(ws.root, "home", ".claude");
  const project = join(claude, "projects", "-home-dev-shop-api");
  mkdirSync(project, { recursive: true });
  const transcript = join(project, `${CLAUDE_SESSION}.jsonl`);
  copyFileSync(join(FIXTURES, "claude-session.jsonl"), transcript);
  const codex = join(ws.root, "home", ".codex");
  const day = new Date(clock.now);
  const dir = join(
    codex,
    "sessions",
    String(day.getUTCFullYear()),
    String(day.getUTCMonth() + 1).padStart(2, "0"),
    String(day.getUTCDate()).padStart(2, "0"),
  );
  mkdirSync(dir, { recursive: true });
  copyFileSync(
    join(FIXTURES, "codex-rollout.jsonl"),
    join(dir, `rollout-2026-01-15T10-00-00-${CODEX_SESSION}.jsonl`),
  );
  return { claude, codex, transcript };
}

function parts(clock: FakeClock) {
  return {
    clock,
    analyze: analyzeActivity,
    generator: new SummaryGenerator({ clock: clock.clock }),
  };
}

describe("Claude Code and Codex session files", () => {
  it("each session is an agent with its tools, files, tokens and cost", async () => {
    const clock = new FakeClock();
    const home = fakeHome(clock);
    const source = combineSources(
      claudeSessionsSource([home.claude], { clock: clock.clock }),
      codexSessionsSource(home.codex, { clock: clock.clock }),
    );
    const h = await harness(ws, {}, { ...parts(clock), source });
    const stats = await h.service.runOnce();
    expect(stats.agents).toBe(2);
    expect(stats.failures).toBe(0);
    const claude = (await h.store.getLatest(`claude-${CLAUDE_SESSION}`)) as MonitoredSummary;
    expect(claude.instance_name).toMatch(/^claude shop-api 7f3c9a2e/);
    expect(claude.last_tool_used).not.toBeNull();
    expect(claude.tokens?.output).toBeGreaterThan(0);
    expect(claude.tokens?.cache_read).toBeGreaterThan(0);
    expect(claude.cost_usd).toBeGreaterThan(0);
    // the task the user gave it, from its first prompt
    expect(claude.assigned_task).toMatch(/POST \/orders\/:id\/cancel/);
    const codex = (await h.store.getLatest(`codex-${CODEX_SESSION}`)) as MonitoredSummary;
    expect(codex.tokens?.input).toBeGreaterThan(0);
    expect(codex.last_tool_used).not.toBeNull();
    // read again: nothing new, tokens counted once
    await h.service.runOnce();
    const again = (await h.store.getLatest(`claude-${CLAUDE_SESSION}`)) as MonitoredSummary;
    expect(again.tokens).toEqual(claude.tokens);
  });

  it("a hook call saying the session waits for permission makes it waiting_permission, and the next tool result ends it", async () => {
    const clock = new FakeClock();
    const home = fakeHome(clock);
    const hooksFile = join(ws.stateDir, "hooks", "claude-hooks.jsonl");
    mkdirSync(join(ws.stateDir, "hooks"), { recursive: true });
    writeFileSync(hooksFile, "");
    const source = claudeSessionsSource([home.claude], { clock: clock.clock });
    const h = await harness(ws, {}, { ...parts(clock), source, hooksFile });
    await h.service.runOnce();
    const hook = {
      v: 1,
      received_at: "2026-11-20T10:00:00.000Z",
      pid: 4242,
      ppids: [4100, 1],
      payload: {
        session_id: CLAUDE_SESSION,
        transcript_path: home.transcript,
        cwd: "/home/dev/shop-api",
        hook_event_name: "Notification",
        notification_type: "permission_prompt",
        message: "Claude needs your permission to use Bash",
      },
    };
    appendFileSync(hooksFile, `${JSON.stringify(hook)}\n`);
    clock.advance(12_000);
    await h.service.runOnce();
    const states = h.of("state_change").map((change) => change.current.activity_state);
    expect(states.at(-1)).toBe("waiting_permission");
    // the session goes on: a prompt from the user and a tool call and its result
    const line = (entry: object) => `${JSON.stringify(entry)}\n`;
    const common = { sessionId: CLAUDE_SESSION, cwd: "/home/dev/shop-api", isSidechain: false };
    appendFileSync(
      home.transcript,
      line({
        ...common,
        type: "user",
        uuid: "00000000-0000-4000-8000-00000000aa01",
        timestamp: "2026-11-20T10:00:30.000Z",
        message: {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_after", content: "ok" }],
        },
      }),
    );
    clock.advance(12_000);
    await h.service.runOnce();
    const latest = h.of("state_change").at(-1)?.current.activity_state;
    expect(latest).not.toBe("waiting_permission");
  });

  it("a pane running claude in the session's directory and the session's transcript are one agent", async () => {
    const clock = new FakeClock();
    const home = fakeHome(clock);
    ws.addAgent("pane");
    ws.append("pane", "✻ Working… (esc to interrupt)");
    const pane: AgentSource = {
      name: "panes",
      list: () =>
        Promise.resolve([
          {
            ...bareAgent("tmux-main-1", ws.logPath("pane")),
            role: "claude",
            join: { cwd: "/home/dev/shop-api", program: "claude", pids: [4100] },
          },
        ]),
    };
    const source = joinSessions(pane, [
      claudeSessionsSource([home.claude], { clock: clock.clock }),
      codexSessionsSource(home.codex, { clock: clock.clock }),
    ]);
    const h = await harness(ws, {}, { ...parts(clock), source });
    await h.service.runOnce();
    const ids = h.service.getAgents().map((status) => status.agent.instance_id);
    expect(ids).toEqual([`codex-${CODEX_SESSION}`, "tmux-main-1"]);
    const joined = h.service.getAgents().find((s) => s.agent.instance_id === "tmux-main-1");
    expect(joined?.agent.streams?.map((stream) => stream.path)).toEqual([home.transcript]);
    expect(joined?.agent.join?.session_id).toBe(CLAUDE_SESSION);
    const summary = (await h.store.getLatest("tmux-main-1")) as MonitoredSummary;
    expect(summary.tokens?.output).toBeGreaterThan(0);
    expect(summary.last_tool_used).not.toBeNull();
    expect(h.tracker.getPosition("tmux-main-1", "claude_transcript")).toBeDefined();
    expect(h.tracker.getPosition("tmux-main-1", "tmux_output")).toBeDefined();
  });

  it("a session not written within the idle time is not an agent", async () => {
    const clock = new FakeClock(Date.now() + 2 * 3600_000);
    const home = fakeHome(clock);
    const source = claudeSessionsSource([home.claude], {
      clock: clock.clock,
      sessionIdleMs: 30 * 60_000,
    });
    const h = await harness(ws, {}, { ...parts(clock), source });
    const stats = await h.service.runOnce();
    expect(stats.agents).toBe(0);
  });
});

describe("the hooks file", () => {
  it("not there yet (hooks not installed) is nothing to say; once it appears it is read", async () => {
    const logger = warningLogger();
    const { warnings } = logger;
    const clock = new FakeClock();
    const home = fakeHome(clock);
    const hooksFile = join(ws.stateDir, "hooks", "claude-hooks.jsonl");
    const source = claudeSessionsSource([home.claude], { clock: clock.clock });
    const h = await harness(ws, {}, { ...parts(clock), source, hooksFile, logger });
    await h.service.runOnce();
    expect(warnings).toEqual([]);
    mkdirSync(join(ws.stateDir, "hooks"), { recursive: true });
    const hook = {
      v: 1,
      received_at: "2026-11-20T10:00:00.000Z",
      pid: 1,
      ppids: [],
      payload: {
        session_id: CLAUDE_SESSION,
        hook_event_name: "Notification",
        notification_type: "elicitation_dialog",
        message: "Which database should I use?",
      },
    };
    writeFileSync(hooksFile, `${JSON.stringify(hook)}\n`);
    clock.advance(12_000);
    await h.service.runOnce();
    expect(h.of("state_change").at(-1)?.current.activity_state).toBe("waiting_input");
    expect(h.tracker.getPosition("agentwatch-hooks", "claude_hooks")?.last_line_number).toBe(1);
  });
});

describe("prices", () => {
  it("prices given in the configuration replace the table's for their model", async () => {
    const cost = async (structured?: ReturnType<typeof createTranscriptsAnalyzer>) => {
      const own = await Workspace.create(); // positions and summaries of its own
      try {
        const clock = new FakeClock();
        const claude = join(own.root, "home", ".claude");
        const project = join(claude, "projects", "-home-dev-shop-api");
        mkdirSync(project, { recursive: true });
        copyFileSync(
          join(FIXTURES, "claude-session.jsonl"),
          join(project, `${CLAUDE_SESSION}.jsonl`),
        );
        const source = claudeSessionsSource([claude], { clock: clock.clock });
        const h = await harness(own, {}, { ...parts(clock), source, structured });
        await h.service.runOnce();
        const id = `claude-${CLAUDE_SESSION}`;
        const summary = (await h.store.getLatest(id)) as MonitoredSummary;
        await h.service.stop();
        return summary;
      } finally {
        await own.remove();
      }
    };
    const table = await cost();
    // the fixture's models are claude-sonnet-4-5-20250929 and claude-opus-4-1-20250805: a dated
    // id takes the price of the entry it extends
    const free = { input: 0, output: 0, cache_read: 0, cache_creation: 0 };
    const onlyOpus = await cost(
      createTranscriptsAnalyzer({ prices: { "claude-sonnet-4-5": free } }),
    );
    const none = await cost(
      createTranscriptsAnalyzer({ prices: { "claude-sonnet-4-5": free, "claude-opus-4-1": free } }),
    );
    expect(table.cost_usd).toBeGreaterThan(onlyOpus.cost_usd!);
    expect(onlyOpus.cost_usd).toBeGreaterThan(0);
    expect(none.tokens).toEqual(table.tokens);
    expect(none.cost_usd).toBe(0);
  });
});

describe("a transcript that goes quiet", () => {
  it("is analyzed again as time passes: a quick tool with no result for a while waits for approval", async () => {
    const clock = new FakeClock(Date.parse("2026-11-20T10:00:05.000Z"));
    const claude = join(ws.root, "home", ".claude");
    const project = join(claude, "projects", "-home-dev-quiet");
    mkdirSync(project, { recursive: true });
    const session = "11111111-2222-4333-8444-555555555555";
    const common = { sessionId: session, cwd: "/home/dev/quiet", isSidechain: false };
    const lines = [
      {
        ...common,
        type: "user",
        uuid: "00000000-0000-4000-8000-0000000000b1",
        timestamp: "2026-11-20T10:00:00.000Z",
        message: { role: "user", content: "Fix the typo in the README" },
      },
      {
        ...common,
        type: "assistant",
        uuid: "00000000-0000-4000-8000-0000000000b2",
        timestamp: "2026-11-20T10:00:04.000Z",
        requestId: "req_b2",
        message: {
          id: "msg_b2",
          role: "assistant",
          model: "claude-sonnet-4-5-20250929",
          content: [
            {
              type: "tool_use",
              id: "toolu_b2",
              name: "Edit",
              input: {
                file_path: "/home/dev/quiet/README.md",
                old_string: "teh",
                new_string: "the",
              },
            },
          ],
          stop_reason: "tool_use",
          usage: { input_tokens: 10, output_tokens: 20 },
        },
      },
    ];
    writeFileSync(
      join(project, `${session}.jsonl`),
      lines.map((line) => `${JSON.stringify(line)}\n`).join(""),
    );
    const source = claudeSessionsSource([claude], { clock: clock.clock });
    const h = await harness(ws, {}, { ...parts(clock), source });
    await h.service.runOnce();
    expect(h.of("state_change").at(-1)?.current.activity_state).toBe("working");
    clock.advance(60_000); // no result for a minute: an edit takes milliseconds once allowed
    await h.service.runOnce();
    expect(h.of("state_change").at(-1)?.current.activity_state).toBe("waiting_permission");
    const summary = (await h.store.getLatest(`claude-${session}`)) as MonitoredSummary;
    expect(summary.activity_state).toBe("waiting_permission");
    expect(summary.on_track_status).toBe("blocked");
  });
});

describe("a session's tokens", () => {
  it("are counted whole when the file is met long, and go on from the stored total after a restart", async () => {
    const clock = new FakeClock();
    const home = fakeHome(clock);
    const source = () => claudeSessionsSource([home.claude], { clock: clock.clock });
    const id = `claude-${CLAUDE_SESSION}`;
    // a session file is never skipped to its last lines, however long: every usage counts
    const first = await harness(
      ws,
      { catch_up_bytes: 1_000, catch_up_lines: 5 },
      {
        ...parts(clock),
        source: source(),
      },
    );
    await first.service.runOnce();
    const before = (await first.store.getLatest(id)) as MonitoredSummary;
    expect(before.skipped_lines).toBeUndefined();
    expect(before.tokens?.output).toBeGreaterThan(0);
    await first.service.stop();
    // the session goes on while agentwatch is down
    appendFileSync(
      home.transcript,
      `${JSON.stringify({
        sessionId: CLAUDE_SESSION,
        cwd: "/home/dev/shop-api",
        isSidechain: false,
        type: "assistant",
        uuid: "00000000-0000-4000-8000-0000000000c1",
        timestamp: "2026-11-20T11:00:00.000Z",
        requestId: "req_c1",
        message: {
          id: "msg_c1",
          role: "assistant",
          model: "claude-sonnet-4-5-20250929",
          content: [{ type: "text", text: "Done: the endpoint and its tests pass." }],
          stop_reason: "end_turn",
          usage: {
            input_tokens: 1_000,
            output_tokens: 2_000,
            cache_read_input_tokens: 0,
            cache_creation_input_tokens: 0,
          },
        },
      })}\n`,
    );
    clock.advance(12_000);
    const second = await harness(ws, {}, { ...parts(clock), source: source() });
    await second.service.runOnce();
    const after = (await second.store.getLatest(id)) as MonitoredSummary;
    expect(after.tokens).toEqual({
      ...before.tokens,
      input: before.tokens!.input + 1_000,
      output: before.tokens!.output + 2_000,
    });
    expect(after.cost_usd).toBeCloseTo(before.cost_usd! + (1_000 * 3 + 2_000 * 15) / 1e6, 9);
  });
});
