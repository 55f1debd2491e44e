import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode } from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import { selfCommand } from "../src/self-command.js";
import { PERMISSION, main, useCliWorkspace } from "./helpers/cli.js";

const ws = useCliWorkspace();
const root = fileURLToPath(new URL("../../..", import.meta.url));
const script = (name: string) => join(root, "scripts", name);
/** Only node on PATH: no pnpm, no turbo, no agentwatch. */
const bare = () => ({ PATH: dirname(process.execPath), HOME: ws.dir });

describe("pnpm run install-cli", () => {
  it("puts an agentwatch command in the bin directory, says when that is not on PATH, and the command runs", async () => {
    const bin = join(ws.dir, "bin");
    const install = await runNode(script("install-cli.mjs"), ["--bin-dir", bin], { env: bare() });
    expect(install.stderr).toBe("");
    expect(install.code).toBe(0);
    expect(install.stdout).toContain(`installed ${join(bin, "agentwatch")}`);
    expect(install.stdout).toContain(`${bin} is not on your PATH`);
    const version = spawnSync(join(bin, "agentwatch"), ["--version"], {
      encoding: "utf8",
      env: bare(),
    });
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);

    // Once it is there, agentwatch tells people to run `agentwatch …`, else `node <main.js> …`.
    expect(await selfCommand({ ...io(), env: { PATH: bin } })).toBe("agentwatch");
    expect(await selfCommand({ ...io(), env: { PATH: dirname(process.execPath) } })).toBe(
      `node ${main}`,
    );
  });

  it("does not replace an agentwatch command that is not its own, unless forced", async () => {
    const bin = join(ws.dir, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "agentwatch"), "#!/bin/sh\necho someone else's\n");
    const refused = await runNode(script("install-cli.mjs"), ["--bin-dir", bin], { env: bare() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `install-cli: ${join(bin, "agentwatch")} exists and is not an agentwatch launcher; remove it or pass --force\n`,
    );
    const forced = await runNode(script("install-cli.mjs"), ["--bin-dir", bin, "--force"], {
      env: bare(),
    });
    expect(forced.code).toBe(0);
    expect(await readFile(join(bin, "agentwatch"), "utf8")).toContain(main);
  });
});

describe("pnpm agentwatch (scripts/run-app.mjs)", () => {
  it("runs the built CLI without building again, in the directory the user was in", async () => {
    await ws.agent("db-migrator", PERMISSION);
    // No turbo on PATH: a build attempt would fail, so passing means the build check was skipped.
    const run = await runNode(
      script("run-app.mjs"),
      [
        "@agentwatch/cli",
        "apps/cli/dist/main.js",
        "watch",
        "--once",
        "--log-dir",
        "logs",
        "--state-dir",
        "state",
        "--summary-dir",
        "summaries",
      ],
      { env: { ...bare(), INIT_CWD: ws.dir }, cwd: root },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/db-migrator blocked [\d.]+ waiting_permission/);
    expect(
      await readFile(join(ws.dir, "summaries", "db-migrator", "latest_summary.json"), "utf8"),
    ).toContain("waiting_permission");
  });
});

function io() {
  return { stdout: process.stdout, stderr: process.stderr, env: {}, self: main };
}
