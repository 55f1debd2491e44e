import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type NodeChild, startNode } from "./start-node.js";

let dir: string;
let child: NodeChild | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "test-kit-start-node-"));
});
afterEach(async () => {
  await child?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A script that runs `body`, written to the temp dir. */
async function script(body: string): Promise<string> {
  const file = join(dir, "child.mjs");
  await writeFile(file, body);
  return file;
}

describe("startNode", () => {
  it("waitForLine resolves with the nth matching line, counting lines printed before the call", async () => {
    const file = await script(
      `for (let i = 1; i <= 5; i++) console.log("tick " + i);\n` +
        `process.stdin.once("data", () => { console.log("tick 6"); console.log("done"); });`,
    );
    child = startNode(file, [], { stdin: "pipe" });
    await child.waitForLine((line) => line === "tick 5", { what: "five ticks" });
    const third = child.waitForLine((line) => line.startsWith("tick "), { what: "3", nth: 3 });
    await expect(third).resolves.toBe("tick 3");
    child.child.stdin?.end("go\n");
    const sixth = child.waitForLine((line) => line.startsWith("tick "), { what: "6", nth: 6 });
    await expect(sixth).resolves.toBe("tick 6");
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.lines).toEqual([
      "tick 1",
      "tick 2",
      "tick 3",
      "tick 4",
      "tick 5",
      "tick 6",
      "done",
    ]);
  });

  it("waitForLine rejects with what the child printed when it exits before the line", async () => {
    const file = await script(`console.log("starting"); console.error("boom"); process.exit(3);`);
    child = startNode(file, []);
    await expect(
      child.waitForLine((line) => line === "ready", { what: "the child to be ready" }),
    ).rejects.toThrow(/exited \(3\) before the child to be ready[\s\S]*starting[\s\S]*boom/);
  });

  it("waitForLine rejects at its deadline, naming what it waited for", async () => {
    const file = await script(`console.log("waiting"); setInterval(() => {}, 1000);`);
    child = startNode(file, []);
    await child.waitForLine((line) => line === "waiting", { what: "the child to start" });
    await expect(
      child.waitForLine((line) => line === "never", {
        what: "a line that never comes",
        timeoutMs: 50,
      }),
    ).rejects.toThrow(/timed out after \d+ ms waiting for a line that never comes[\s\S]*waiting/);
    expect(await child.stop("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
  });
});
