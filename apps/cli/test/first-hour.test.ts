import { chmod, chown, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  OTHER_UID,
  TmuxServer,
  asOtherUser,
  canActAsOtherUser,
  waitFor,
} from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import { PERMISSION, WORKING, main, useCliWorkspace } from "./helpers/cli.js";

const ws = useCliWorkspace();
const logs = () => join(ws.dir, "logs");

/** State and summary directories of the second user's, for agentwatch run as that user. */
async function dirsOfOtherUser(): Promise<{ state: string; summaries: string }> {
  const state = join(ws.dir, "state");
  const summaries = join(ws.dir, "summaries");
  for (const dir of [state, summaries]) {
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, OTHER_UID, OTHER_UID);
  }
  await chmod(ws.dir, 0o755); // so that user can reach them
  return { state, summaries };
}

/** Matches any escape sequence or control character but the line break. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("after a restart", () => {
  it("an agent waiting at a prompt, with no new output, is shown at once from its stored summary", async () => {
    await ws.agent("db-migrator", PERMISSION);
    const first = await ws.run(["watch", "--once", "--log-dir", logs(), ...ws.dirs()]);
    expect(first.stdout).toMatch(/db-migrator blocked [\d.]+ waiting_permission/);

    const again = await ws.run(["watch", "--once", "--log-dir", logs(), ...ws.dirs()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/db-migrator blocked [\d.]+ waiting_permission/);
    expect(again.stdout).not.toContain("no agent output found");
  });
});

describe("where it looks, and what it says", () => {
  it("names the place it looked when it finds no agent", async () => {
    await mkdir(join(logs(), "instances"), { recursive: true });
    const run = await ws.run(["watch", "--once", "--log-dir", logs(), ...ws.dirs()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `no agent output found in ${join(logs(), "instances", "*", "tmux_output.log")}\n`,
    );
  });

  it("prints its version", async () => {
    const run = await ws.run(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("tail -n 15 prints 15 lines even when the log's newest lines include blank and redrawn ones", async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 40; i++) lines.push(`line ${i}`, "", "⠋\r⠙\r\u001b[K");
    await ws.agent("a1", `${lines.join("\n")}\n`);
    const run = await ws.run(["tail", "a1", "-n", "15", "--no-follow", "--log-dir", logs()]);
    expect(run.code).toBe(0);
    const shown = run.stdout.trimEnd().split("\n");
    expect(shown).toHaveLength(15);
    expect(shown.at(-1)).toBe("line 40");
    expect(shown[0]).toBe("line 26");
  });
});

describe("mistakes are one line and exit 1", () => {
  it.each([
    {
      what: "a log directory that does not exist",
      args: () => ["watch", "--once", "--log-dir", join(ws.dir, "nonexistent")],
      message: () =>
        `agentwatch: cannot watch ${join(ws.dir, "nonexistent")}: it does not exist; pass the orchestrator's log directory with --log-dir, or say where agents' logs are with --logs or --agents\n`,
    },
    {
      what: "an agents file that does not exist",
      args: () => ["watch", "--once", "--agents", join(ws.dir, "missing.json")],
      message: () =>
        `agentwatch: cannot read the agents file ${join(ws.dir, "missing.json")}: it does not exist; check the --agents path\n`,
    },
    {
      what: "a summary directory below a file",
      args: () => [
        "watch",
        "--once",
        "--log-dir",
        logs(),
        "--summary-dir",
        join(ws.dir, "passwd", "x"),
        "--state-dir",
        join(ws.dir, "state"),
      ],
      message: () =>
        `agentwatch: cannot use ${join(ws.dir, "passwd", "x")} as the summary directory: a part of its path is not a directory (ENOTDIR); choose a directory you can write with --summary-dir\n`,
    },
  ])("$what", async ({ args, message }) => {
    await mkdir(logs(), { recursive: true });
    await writeFile(join(ws.dir, "passwd"), "root:x:0:0::/root:/bin/sh\n");
    const run = await ws.run(args());
    expect(run.stderr).toBe(message());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
  });

  it.runIf(canActAsOtherUser)(
    "serve with a state directory it cannot write does not start",
    async () => {
      await ws.agent("a1", WORKING);
      const { state, summaries } = await dirsOfOtherUser();
      await chmod(state, 0o500); // its own, but read-only to it
      const run = await ws.run(
        [
          "serve",
          "--port",
          "0",
          "--log-dir",
          logs(),
          "--state-dir",
          state,
          "--summary-dir",
          summaries,
        ],
        { asOtherUser: true, until: (out) => out.includes("listening") },
      );
      expect(run.stdout).not.toContain("listening");
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `agentwatch: cannot use ${state} as the state directory: permission denied (EACCES); choose a directory you can write with --state-dir\n`,
      );
    },
  );
});

describe.runIf(canActAsOtherUser)("directories another user controls", () => {
  it("a summary directory another user made first is refused, and a symlink planted in it is never written through", async () => {
    await ws.agent("a1", WORKING);
    const shared = join(ws.dir, "shared"); // as /tmp is: anyone may create, no one may rename others'
    await mkdir(shared);
    await chmod(shared, 0o1777);
    await chmod(ws.dir, 0o755);
    const summaries = join(shared, "summaries");
    await mkdir(join(summaries, "a1"), { recursive: true, mode: 0o755 });
    const victim = join(ws.dir, "victim");
    await writeFile(victim, "precious\n");
    await symlink(victim, join(summaries, "a1", "summary_history.jsonl"));
    await chown(join(summaries, "a1"), OTHER_UID, OTHER_UID);
    await chown(summaries, OTHER_UID, OTHER_UID);

    const run = await ws.run([
      "watch",
      "--once",
      "--log-dir",
      logs(),
      "--summary-dir",
      summaries,
      "--state-dir",
      join(ws.dir, "state"),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^agentwatch: refusing to use ${summaries} as the summary directory: it is owned by uid ${OTHER_UID}, not by you \\(.*uid 0\\), .* \\(--summary-dir\\)\\n$`,
      ),
    );
    expect(await readFile(victim, "utf8")).toBe("precious\n");
  });

  it("an agent whose log cannot be read is shown with its error", async () => {
    const path = await ws.agent("locked", WORKING);
    await ws.agent("open", WORKING);
    await chmod(path, 0o600); // root's; agentwatch runs as the other user
    const { state, summaries } = await dirsOfOtherUser();
    const run = await ws.run(
      [
        "watch",
        "--once",
        "--json",
        "--log-dir",
        logs(),
        "--state-dir",
        state,
        "--summary-dir",
        summaries,
      ],
      { asOtherUser: true },
    );
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; error?: unknown });
    expect(events.filter((e) => e.type === "summary")).toHaveLength(1);
    expect(run.stderr).toMatch(/agentwatch: .*locked.*permission denied/);

    // In a terminal, the table has a row for it, with its error.
    const tmux = await TmuxServer.create();
    try {
      const [command, args] = asOtherUser(process.execPath, [
        main,
        "watch",
        "--once",
        "--log-dir",
        logs(),
        "--state-dir",
        state,
        "--summary-dir",
        summaries,
      ]);
      const line = [command, ...args].map((a) => `'${a}'`).join(" ");
      const pane = await tmux.newSession("watch", `${line}; echo "exit $?"; exec cat`, {
        width: 160,
      });
      const screen = await waitFor(
        async () => {
          const text = await tmux.capture(pane);
          return text.includes("exit ") ? text : undefined;
        },
        { what: "watch --once to draw its table in the pane" },
      );
      expect(screen).toMatch(/^locked\s+error\s+⚠ cannot read \S+\/locked\/tmux_output\.log/m);
      expect(screen).toMatch(/^⚠ .*locked\/tmux_output\.log: permission denied \(EACCES\)/m);
      expect(screen).toMatch(/^open\s+\w+\s+[\d.]+\s+working/m);
      expect(screen).toContain("2 agents:");
    } finally {
      await tmux.kill();
    }
  });
});

describe("text from agents and stored summaries reaches the terminal without control characters", () => {
  it("watch's lines and status, piped", async () => {
    await ws.agent("evil\u001b]0;TITLE\u0007\u001b[31mname", WORKING);
    const watch = await ws.run(["watch", "--once", "--log-dir", logs(), ...ws.dirs()]);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain("evil");
    expect(watch.stdout).not.toMatch(CONTROL);

    const stored = join(ws.dir, "summaries", "sneaky");
    await mkdir(stored, { recursive: true, mode: 0o700 });
    await writeFile(
      join(stored, "latest_summary.json"),
      JSON.stringify({
        instance_id: "sneaky",
        instance_name: "sneaky",
        timestamp: "2026-12-01T10:00:00.000Z",
        current_activity: "clip\u001b]52;c;ZXZpbA==\u0007board \u001b[1A\u001b[2Khidden",
        on_track_status: "on_track",
        confidence_score: 0.5,
        assigned_task: null,
        parent_instance_id: null,
        role: null,
        last_tool_used: "Bash\u001b[2J",
        recent_tools: [],
        output_preview: "",
        idle_duration_seconds: 0,
        drift_reasons: [],
        alignment_keywords: [],
        recommended_action: null,
      }),
      { mode: 0o600 },
    );
    const status = await ws.run(["status", ...ws.dirs()]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("clipboard hidden");
    expect(status.stdout).not.toMatch(CONTROL);
  });
});
