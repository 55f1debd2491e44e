import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { builtFile, waitFor } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type * as AgentSim from "./index.js";
import { SCENARIOS, expectedLines, simulateAgent, simulatedBytes } from "./index.js";

function take<T>(iterable: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  for (const item of iterable) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}

describe("simulateAgent", () => {
  it.each(SCENARIOS)("gives the same writes for the same seed (%s)", (scenario) => {
    const a = take(simulateAgent({ seed: 7, scenario }), 200);
    const b = take(simulateAgent({ seed: 7, scenario }), 200);
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    const other = take(simulateAgent({ seed: 8, scenario }), 200);
    expect(Buffer.concat(other.map((w) => w.bytes))).not.toEqual(
      Buffer.concat(a.map((w) => w.bytes)),
    );
  });

  it("cuts some writes inside multi-byte characters", () => {
    const writes = take(simulateAgent({ seed: 3, scenario: "unicode-docs", splitChance: 1 }), 400);
    const cutInside = writes.some((w) => {
      const first = w.bytes[0];
      return first !== undefined && (first & 0xc0) === 0x80;
    });
    expect(cutInside).toBe(true);
  });

  it("leaves the permission prompt without a trailing newline and then waits", () => {
    const writes = [...simulateAgent({ seed: 1, scenario: "permission-prompt", splitChance: 0 })];
    const last = writes.at(-1)!;
    expect(Buffer.from(last.bytes).toString()).toBe("  Esc to cancel · Enter to confirm");
    expect(last.pauseMs).toBeGreaterThan(60_000);
  });
});

describe("expectedLines", () => {
  it("splits on \\n, drops one trailing \\r, keeps a lone \\r and a final unterminated line", () => {
    const bytes = new TextEncoder().encode("a\r\nb\rc\n\nlast");
    expect(expectedLines(bytes)).toEqual(["a", "b\rc", "", "last"]);
    expect(expectedLines(new TextEncoder().encode("x\n"))).toEqual(["x"]);
    expect(expectedLines(new Uint8Array())).toEqual([]);
  });
});

describe("agent process", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "agent-sim-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * The agent process command of the built package (dist/, as the demo and the CLI run it): the
   * command the source gives falls back to tsx, which the tests do not use.
   */
  async function builtAgentProcessCommand(): Promise<AgentSim.AgentProcessCommand> {
    const entry = builtFile(new URL("../dist/index.js", import.meta.url));
    const built = (await import(pathToFileURL(entry).href)) as typeof AgentSim;
    const command = built.agentProcessCommand();
    const script = fileURLToPath(new URL("../dist/agent-process.js", import.meta.url));
    expect(command).toEqual({ command: process.execPath, args: [script] });
    return command;
  }

  /** Runs the built agent process until `done()` holds, stops it with SIGTERM, returns its report. */
  async function runAgent(
    extra: string[],
    done: () => Promise<boolean>,
    what: string,
  ): Promise<{ writes: number; bytes: number }> {
    const { command, args } = await builtAgentProcessCommand();
    const child = spawn(command, [...args, ...extra], { stdio: ["ignore", "pipe", "inherit"] });
    // "close", not "exit": the report it prints last must have been read
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    let out = "";
    child.stdout.on("data", (data: Buffer) => (out += data.toString()));
    try {
      await waitFor(done, { what });
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    // First {"ready":true}, then the report on SIGTERM.
    const lines = out.trim().split("\n");
    expect(JSON.parse(lines[0]!)).toEqual({ ready: true });
    return JSON.parse(lines.at(-1)!) as { writes: number; bytes: number };
  }

  it.each(["rename", "copytruncate"])(
    "writes exactly the simulated bytes across a %s rotation",
    async (mode) => {
      const log = join(dir, "instances", "a1", "tmux_output.log");
      const seed = 11;
      const options = { seed, scenario: "implement-feature" } as const;
      const rotated = simulatedBytes(options, 20).length; // what the rotation moves to log.1
      const after = Buffer.from(simulatedBytes(options, 2000)).subarray(rotated);
      // Stopped once log.1 holds the first 20 writes and the log has begun again with the next.
      const wroteAfterRotation = async () => {
        const old = await stat(`${log}.1`).catch(() => null);
        const current = await readFile(log).catch(() => Buffer.alloc(0));
        return (
          old?.size === rotated &&
          current.length > 0 &&
          after.subarray(0, current.length).equals(current)
        );
      };
      const report = await runAgent(
        [
          "--log",
          log,
          "--seed",
          String(seed),
          "--scenario",
          "implement-feature",
          "--pause-scale",
          "0.05",
          "--rotate-after",
          "20",
          "--rotate-mode",
          mode,
        ],
        wroteAfterRotation,
        `a write after the ${mode} rotation`,
      );
      expect(report.writes).toBeGreaterThan(20);
      const written = Buffer.concat([await readFile(`${log}.1`), await readFile(log)]);
      const expected = simulatedBytes({ seed, scenario: "implement-feature" }, report.writes);
      expect(written.length).toBe(report.bytes);
      expect(written.equals(Buffer.from(expected))).toBe(true);
    },
  );
});
