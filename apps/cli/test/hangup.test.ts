import { spawn } from "node:child_process";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TmuxServer, processAlive, scaled, waitFor } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "./helpers/cli.js";

let dir: string;
let tmux: TmuxServer;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentwatch-hangup-"));
  await mkdir(join(dir, "logs", "instances", "a1"), { recursive: true });
  await writeFile(join(dir, "logs", "instances", "a1", "tmux_output.log"), "$ npm test\n");
  tmux = await TmuxServer.create();
});
afterEach(async () => {
  await tmux.kill();
  await rm(dir, { recursive: true, force: true });
});

/** The pids of a process's children. */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8");
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

/**
 * Runs agentwatch in a tmux pane, its stdin, stdout and stderr the pane's terminal, under a shell
 * that records its exit status. With `forwardHangup` the shell passes SIGHUP on to it, as an
 * interactive shell does to its jobs when the terminal closes; without, it only ignores SIGHUP,
 * so agentwatch learns of the hang-up from its terminal alone.
 */
async function inPane(
  args: string[],
  ready: string,
  forwardHangup: boolean,
): Promise<{ pid: number; status: string }> {
  const status = join(dir, "status");
  const command = [process.execPath, main, ...args].map((a) => `'${a}'`).join(" ");
  const script = [
    "exec 3<&0",
    forwardHangup ? `trap 'kill -HUP $c' HUP` : "trap '' HUP",
    `HOME='${dir}' ${command} 0<&3 3<&- &`,
    "c=$!",
    "while :; do wait $c; s=$?; kill -0 $c 2>/dev/null || break; done",
    `echo $s > '${status}'`,
  ].join("\n");
  const pane = await tmux.newSession("agents", script);
  await waitFor(async () => (await tmux.capture(pane)).includes(ready), {
    what: `agentwatch ${args[0]} to show "${ready}" in its pane`,
  });
  const shell = await tmux.panePid(pane);
  const [pid] = await childrenOf(shell);
  expect(pid).toBeGreaterThan(0);
  return { pid: pid!, status };
}

const dirs = () => [
  "--log-dir",
  join(dir, "logs"),
  "--state-dir",
  join(dir, "state"),
  "--summary-dir",
  join(dir, "summaries"),
];

describe("a terminal closed under agentwatch", () => {
  it.each([
    { command: "watch", flags: ["--interval", "1"], ready: "AGENT", forwardHangup: true },
    { command: "serve", flags: ["--port", "0"], ready: "listening on", forwardHangup: true },
    { command: "watch", flags: ["--interval", "1"], ready: "AGENT", forwardHangup: false },
    { command: "serve", flags: ["--port", "0"], ready: "listening on", forwardHangup: false },
  ])(
    "$command exits 0 when its tmux session is killed (SIGHUP passed on: $forwardHangup), leaving no process behind",
    async ({ command, flags, ready, forwardHangup }) => {
      const { pid, status } = await inPane(
        [command, ...dirs(), ...flags, "--offline"],
        ready,
        forwardHangup,
      );
      await tmux.kill(); // the terminal hangs up: every read and write on it fails with EIO
      const code = await waitFor(() => readFile(status, "utf8").catch(() => undefined), {
        what: "agentwatch to exit after its terminal closed",
      });
      expect(code.trim()).toBe("0");
      expect(processAlive(pid)).toBe(false);
      // Its positions were saved on the way out.
      expect(await readFile(join(dir, "state", "monitor_positions.json"), "utf8")).toContain("a1");
    },
  );
});

describe("a pipe whose reader leaves", () => {
  it("watch stops cleanly (exit 0, no stack trace) at its next line", async () => {
    const log = join(dir, "logs", "instances", "a1", "tmux_output.log");
    const child = spawn(
      process.execPath,
      [main, "watch", ...dirs(), "--interval", "1", "--offline"],
      { env: { PATH: process.env.PATH ?? "", HOME: dir }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // The first line arrives; then the reader goes away, as `agentwatch watch | head -1` does.
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.stdout.destroy();
    // More output makes watch print again, into the closed pipe (EPIPE).
    const more = setInterval(() => void appendFile(log, "$ npm run build\n"), 200);
    try {
      const code = await Promise.race([
        exited,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`watch did not exit after its pipe closed; stderr: ${stderr}`)),
            scaled(20_000),
          ),
        ),
      ]);
      expect(code).toBe(0);
      expect(stderr).not.toMatch(/EPIPE|Error| {4}at /);
    } finally {
      clearInterval(more);
      child.kill("SIGKILL");
    }
  });
});
