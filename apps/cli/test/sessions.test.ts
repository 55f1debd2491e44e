import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useCliWorkspace } from "./helpers/cli.js";

const ws = useCliWorkspace();

const FIXTURES = fileURLToPath(
  new URL("../../../packages/transcripts/test/fixtures/", import.meta.url),
);
const CLAUDE_SESSION = "7f3c9a2e-5b1d-4c8e-9f0a-1b2c3d4e5f60";
const CODEX_SESSION = "019a7b3c-1d2e-7f40-8a5b-6c7d8e9f0a1b";

/** A HOME with one Claude Code project and one Codex session, as the tools leave them. */
async function homeWithSessions(): Promise<void> {
  const project = join(ws.dir, ".claude", "projects", "-home-dev-shop-api");
  await mkdir(project, { recursive: true });
  await copyFile(join(FIXTURES, "claude-session.jsonl"), join(project, `${CLAUDE_SESSION}.jsonl`));
  const now = new Date();
  const day = join(
    ws.dir,
    ".codex",
    "sessions",
    String(now.getUTCFullYear()),
    String(now.getUTCMonth() + 1).padStart(2, "0"),
    String(now.getUTCDate()).padStart(2, "0"),
  );
  await mkdir(day, { recursive: true });
  await copyFile(
    join(FIXTURES, "codex-rollout.jsonl"),
    join(day, `rollout-2026-12-06T10-00-00-${CODEX_SESSION}.jsonl`),
  );
}

interface Line {
  type: string;
  summary?: {
    instance_id: string;
    last_tool_used: string | null;
    recent_tools: string[];
    tokens?: { input: number; output: number; cache_read: number; cache_creation: number };
    cost_usd?: number;
    activity_state?: string;
    assigned_task: string | null;
  };
}

describe("Claude Code and Codex sessions", () => {
  it("watch --once --json shows each session as an agent with its tools, tokens and cost", async () => {
    await homeWithSessions();
    const run = await ws.run(["watch", "--once", "--json", "--offline"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const summaries = run.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Line)
      .filter((line) => line.type === "summary")
      .map((line) => line.summary!);
    const byId = new Map(summaries.map((summary) => [summary.instance_id, summary]));
    const claude = byId.get(`claude-${CLAUDE_SESSION}`);
    const codex = byId.get(`codex-${CODEX_SESSION}`);
    expect(claude?.recent_tools.length).toBeGreaterThan(0);
    expect(claude?.tokens?.output).toBeGreaterThan(0);
    expect(claude?.cost_usd).toBeGreaterThan(0);
    expect(claude?.assigned_task).toMatch(/cancel/);
    expect(codex?.last_tool_used).not.toBeNull();
    expect(codex?.tokens?.input).toBeGreaterThan(0);
    expect(codex?.cost_usd).toBeGreaterThan(0);
  });

  it("--no-claude and --no-codex leave them out, and the view says where it looked", async () => {
    await homeWithSessions();
    const run = await ws.run(["watch", "--once", "--no-claude", "--no-codex", "--offline"]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/claude|codex/);
    expect(run.stdout).toMatch(/no agent output found in .*instances/);
    const seen = await ws.run(["watch", "--once", "--offline"]);
    expect(seen.stdout).toMatch(/claude shop-api 7f3c9a2e/);
    expect(seen.stdout).toMatch(/\$\d+\.\d\d/); // the cost, in the line of each session
  });
});
