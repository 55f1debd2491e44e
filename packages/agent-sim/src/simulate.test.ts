import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  SCENARIOS,
  agentProcessCommand,
  expectedLines,
  simulateAgent,
  simulatedBytes,
} from "./index.js";

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

  async function runAgent(extra: string[]): Promise<{ writes: number; bytes: number }> {
    const { command, args } = agentProcessCommand();
    const child = spawn(command, [...args, ...extra], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (data: Buffer) => (out += data.toString()));
    // Stop it once it has written past the rotation point.
    const log = extra[extra.indexOf("--log") + 1]!;
    for (let i = 0; i < 400; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      const size = await readFile(`${log}.1`).then(
        (b) => b.length,
        () => 0,
      );
      if (size > 0) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
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
      const report = await runAgent([
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
      ]);
      expect(report.writes).toBeGreaterThan(20);
      const written = Buffer.concat([await readFile(`${log}.1`), await readFile(log)]);
      const expected = simulatedBytes({ seed, scenario: "implement-feature" }, report.writes);
      expect(written.length).toBe(report.bytes);
      expect(written.equals(Buffer.from(expected))).toBe(true);
    },
  );
});
