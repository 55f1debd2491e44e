import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtFile, runNode, scaled } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** The built demo (dist/main.js, what `agentwatch-demo` runs); the test task builds it first. */
const main = () => builtFile(new URL("../dist/main.js", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * How long a demo run may take before it is killed and the test fails, before scaling: the
 * `--duration` it polls for, and 20 s to start, stop and check.
 */
function deadlineMs(args: readonly string[]): number {
  const at = args.indexOf("--duration");
  return 20_000 + (at === -1 ? 0 : Number(args[at + 1]) * 1000);
}

/** Runs the demo as a user would, with its output piped (not a terminal). */
function demo(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const options = { cwd: packageDir, env: { ...process.env, ...env }, timeoutMs: deadlineMs(args) };
  return runNode(main(), args, options);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentwatch-demo-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a headless run on simulated agents", { timeout: scaled(60_000) }, () => {
  it("shows rotation, truncation and a pending partial line, loses nothing, and resumes", async () => {
    const workspace = join(dir, "ws");
    const args = ["--workspace", workspace, "--duration", "6", "--interval", "0.5"];
    const first = await demo(args);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("started 5 simulated agents (run 1)");
    expect(first.stdout).not.toContain("resumed");
    expect(first.stdout).toMatch(/backend-dev: .*\[.*rotated/);
    expect(first.stdout).toMatch(/codex-payments: .*\[.*truncated/);
    expect(first.stdout).toMatch(/db-migrator: .*partial line pending/);
    expect(first.stdout).toContain("events: 1 rotated, 1 truncated");
    expect(first.stdout).toMatch(
      /check passed: all [\d,]+ lines the agents wrote were read exactly once/,
    );
    // Piped output is plain: no escape codes, no redraws.
    expect(first.stdout).not.toContain("\u001b");

    const second = await demo(["--workspace", workspace, "--duration", "3", "--interval", "0.5"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("resumed 5 agents at their saved offsets");
    expect(second.stdout).toContain("started 5 simulated agents (run 2)");
    expect(second.stdout).toMatch(/check passed/);
  });
});

describe("--once", { timeout: scaled(60_000) }, () => {
  it("polls real logs once and prints JSON with their new lines", async () => {
    for (const id of ["alpha", "beta"]) {
      await mkdir(join(dir, "instances", id), { recursive: true });
      const log = join(dir, "instances", id, "tmux_output.log");
      await writeFile(log, `${id} one\n${id} two\nprompt> `);
      // Quiet for an hour: the unterminated last line is complete and is returned.
      const hourAgo = new Date(Date.now() - 3_600_000);
      await utimes(log, hourAgo, hourAgo);
    }
    const stateDir = join(dir, "state");
    const args = [
      "--logs",
      join(dir, "instances/*/tmux_output.log"),
      "--state-dir",
      stateDir,
      "--once",
    ];
    const run = await demo(args);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { agents: Record<string, unknown>[] };
    expect(report.agents.map((a) => a.instance_id)).toEqual(["alpha", "beta"]);
    expect(report.agents[0]).toMatchObject({
      new_lines: 3,
      total_lines: 3,
      lines: ["alpha one", "alpha two", "prompt> "],
      pending_partial: null,
      error: null,
    });
    const again = JSON.parse((await demo(args)).stdout) as { agents: Record<string, unknown>[] };
    expect(again.agents[1]).toMatchObject({ new_lines: 0, lines: [], total_lines: 3 });
  });

  it("runs simulated agents for one interval and prints what the poll read", async () => {
    const run = await demo(["--workspace", join(dir, "ws"), "--once", "--interval", "1"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      agents: { instance_id: string; new_lines: number }[];
    };
    expect(report.agents).toHaveLength(5);
    expect(report.agents.reduce((n, a) => n + a.new_lines, 0)).toBeGreaterThan(0);
  });
});

describe("bad input", () => {
  it("rejects an unknown flag with one line and exit code 2", async () => {
    const run = await demo(["--bogus"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^agentwatch-demo: unknown option '--bogus'.* \(see --help\)\n$/);
  });

  it("rejects a bad value naming the flag", async () => {
    const run = await demo(["--interval", "soon"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--interval takes a positive number of seconds, got "soon"');
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("rejects a glob that matches nothing", async () => {
    const pattern = join(dir, "nothing/*/tmux_output.log");
    const run = await demo(["--logs", pattern, "--once"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `agentwatch-demo: --logs ${JSON.stringify(pattern)} matched no files; check the pattern and quote it so the shell does not expand it\n`,
    );
  });

  it("rejects a state dir that cannot be written", async () => {
    const blocker = join(dir, "a-file");
    await writeFile(blocker, "not a directory");
    const run = await demo([
      "--workspace",
      join(dir, "ws"),
      "--state-dir",
      join(blocker, "state"),
      "--duration",
      "1",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^agentwatch-demo: cannot use state dir .*a-file\/state: .*; choose a writable --state-dir\n$/,
    );
  });

  it("prints its usage for --help", async () => {
    const run = await demo(["--help"]);
    expect(run.code).toBe(0);
    for (const flag of [
      "--workspace",
      "--logs",
      "--state-dir",
      "--interval",
      "--duration",
      "--max-lines",
      "--once",
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});

/** Runs the demo inside a pseudo-terminal (util-linux `script`), as in a real terminal window. */
function demoInTerminal(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, main(), ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: packageDir,
      env: { ...process.env, COLUMNS: "120", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    const ms = scaled(deadlineMs(args));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the demo in a terminal did not exit within ${ms} ms\nstdout: ${stdout}`));
    }, ms);
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // "close", not "exit": what it printed last must have been read
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: "" });
    });
  });
}

describe("in a terminal", { timeout: scaled(60_000) }, () => {
  it("redraws a live table, and prints plain lines when NO_COLOR is set", async () => {
    const args = ["--workspace", join(dir, "ws"), "--duration", "1.5", "--interval", "0.5"];
    const live = await demoInTerminal(args);
    expect(live.code).toBe(0);
    expect(live.stdout).toContain("\u001b[H\u001b[2J");
    expect(live.stdout).toMatch(/AGENT\s+\+LINES\s+TOTAL\s+BEHIND\s+EVENTS\s+LAST LINE/);
    expect(live.stdout).toContain("check passed");

    const plain = await demoInTerminal(args, { NO_COLOR: "1" });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain("\u001b");
    expect(plain.stdout).toMatch(/poll 1 at/);
  });
});
