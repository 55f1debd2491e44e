import { type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processAlive, runNode, waitFor } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "./helpers/cli.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentwatch-demo-kill-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8");
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

describe("agentwatch demo's simulated agents", () => {
  it.each(["SIGKILL", "SIGTERM", "SIGHUP"] as const)(
    "do not outlive the demo when it is stopped by %s",
    async (how) => {
      let demo: ChildProcess | undefined;
      let agents: number[] = [];
      let stdout = "";
      const run = runNode(
        main,
        ["demo", "--workspace", join(dir, "ws"), "--duration", "120", "--interval", "1"],
        {
          env: { PATH: process.env.PATH ?? "", HOME: dir },
          started: (child) => (demo = child),
          until: (out) => {
            stdout = out;
            return false;
          },
        },
      );
      // Running: its agents started and the monitor watching them.
      await waitFor(() => stdout.includes("agent added"), { what: "the demo to run" });
      agents = await childrenOf(demo!.pid!);
      expect(agents).toHaveLength(5);
      demo!.kill(how);
      const ended = await run;
      // SIGKILL gives it no say; the others are a graceful stop.
      expect(ended.signal ?? ended.code).toBe(how === "SIGKILL" ? "SIGKILL" : 0);
      await waitFor(() => agents.every((pid) => !processAlive(pid)), {
        what: `the simulated agents ${agents.join(", ")} to exit after the demo did`,
      });
    },
  );
});
