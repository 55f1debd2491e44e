import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { OTHER_UID, canActAsOtherUser } from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import { useCliWorkspace } from "./helpers/cli.js";
import {
  defaultStateDir,
  errorLog,
  hookLines,
  permissionPayload,
  runHook,
} from "./helpers/hook-run.js";

const ws = useCliWorkspace();
const env = () => ({ PATH: process.env.PATH ?? "", HOME: ws.dir });
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const hasProc = existsSync("/proc/self/stat");

/** The hook's error log, line by line; each line must be stamped and name the hook. */
async function problems(): Promise<string[]> {
  const lines = (await readFile(errorLog(ws.dir), "utf8")).trimEnd().split("\n");
  for (const line of lines) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z agentwatch hook: /);
  return lines;
}

/** Exit 0, and not a byte for Claude Code to see. */
function expectSilentSuccess(run: { code: number | null; stdout: string; stderr: string }): void {
  expect(run.code).toBe(0);
  expect(run.stdout).toBe("");
  expect(run.stderr).toBe("");
}

describe("agentwatch hook records what Claude Code sends", () => {
  it("appends one line: version, time, its pid and parents, and the payload", async () => {
    const payload = permissionPayload("s-1");
    const before = Date.now();
    const run = await runHook([], JSON.stringify(payload), { env: env() });
    expectSilentSuccess(run);
    const [line, ...more] = await hookLines(defaultStateDir(ws.dir));
    expect(more).toEqual([]);
    expect(Object.keys(line!)).toEqual(["v", "received_at", "pid", "ppids", "payload"]);
    expect(line).toMatchObject({ v: 1, pid: run.pid, payload });
    expect(line!.received_at).toMatch(ISO);
    expect(Date.parse(line!.received_at as string)).toBeGreaterThanOrEqual(before - 1000);
    const ppids = line!.ppids as number[];
    if (hasProc) {
      // Started by this test process directly: its parent is us.
      expect(ppids[0]).toBe(process.pid);
      expect(ppids.length).toBeGreaterThanOrEqual(1);
      expect(ppids.length).toBeLessThanOrEqual(4);
    } else {
      expect(ppids).toEqual([]);
    }
    const hooksDir = join(defaultStateDir(ws.dir), "hooks");
    expect((await stat(hooksDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(hooksDir, "claude-hooks.jsonl"))).mode & 0o777).toBe(0o600);
    expect(existsSync(errorLog(ws.dir))).toBe(false);
  });

  it("writes to --state-dir when given, and under XDG_STATE_HOME by default when that is set", async () => {
    const chosen = join(ws.dir, "chosen");
    expectSilentSuccess(await runHook(["--state-dir", chosen], '{"n":1}', { env: env() }));
    expect((await hookLines(chosen)).map((l) => l.payload)).toEqual([{ n: 1 }]);

    const xdg = join(ws.dir, "xdg");
    await runHook([], '{"n":2}', { env: { ...env(), XDG_STATE_HOME: xdg } });
    expect((await hookLines(join(xdg, "agentwatch", "state"))).map((l) => l.payload)).toEqual([
      { n: 2 },
    ]);
    expect(existsSync(defaultStateDir(ws.dir))).toBe(false);
  });

  it("keeps stdin that is not JSON as payload_text, with a null payload", async () => {
    const run = await runHook([], "not json {\u0001", { env: env() });
    expectSilentSuccess(run);
    const [line] = await hookLines(defaultStateDir(ws.dir));
    expect(line).toMatchObject({ payload: null, payload_text: "not json {\u0001" });
    expect(line!.truncated).toBeUndefined();
  });

  it("shortens the long strings of a payload too large for one line, and says so", async () => {
    const content = "x".repeat(1024 * 1024);
    const payload = {
      ...permissionPayload("s-big"),
      hook_event_name: "PermissionRequest",
      tool_name: "Write",
      tool_input: { file_path: "/home/dev/app/big.txt", content },
    };
    expectSilentSuccess(await runHook([], JSON.stringify(payload), { env: env() }));
    const text = await readFile(
      join(defaultStateDir(ws.dir), "hooks", "claude-hooks.jsonl"),
      "utf8",
    );
    expect(Buffer.byteLength(text)).toBeLessThan(256 * 1024);
    const line = JSON.parse(text) as {
      truncated: boolean;
      payload: typeof payload;
    };
    expect(line.truncated).toBe(true);
    expect(line.payload).toMatchObject({
      session_id: "s-big",
      hook_event_name: "PermissionRequest",
      tool_name: "Write",
      tool_input: { file_path: "/home/dev/app/big.txt" },
    });
    expect(line.payload.tool_input.content.startsWith("xxxx")).toBe(true);
    expect(line.payload.tool_input.content.length).toBeLessThan(content.length);
  });

  it("records every one of 100 concurrent calls exactly once, each line whole", async () => {
    const payloads = Array.from({ length: 100 }, (_, i) =>
      // Several KiB each, of different sizes, so interleaved writes would show.
      permissionPayload(`session-${i}`, { padding: String(i % 10).repeat(2000 + i * 97) }),
    );
    const runs = await Promise.all(
      payloads.map((payload) => runHook([], JSON.stringify(payload), { env: env() })),
    );
    for (const run of runs) expectSilentSuccess(run);
    const lines = await hookLines(defaultStateDir(ws.dir)); // throws on a line that is not JSON
    expect(lines).toHaveLength(100);
    const byId = new Map(
      lines.map((line) => [(line.payload as { session_id: string }).session_id, line]),
    );
    expect(byId.size).toBe(100);
    payloads.forEach((payload, i) => expect(byId.get(`session-${i}`)?.payload).toEqual(payload));
    expect(new Set(lines.map((line) => line.pid)).size).toBe(100);
    expect(new Set(runs.map((run) => run.pid))).toEqual(new Set(lines.map((line) => line.pid)));
  });

  it("records what it has when stdin never closes, and exits 0", async () => {
    const payload = permissionPayload("s-open");
    const run = await runHook([], JSON.stringify(payload), { env: env(), keepStdinOpen: true });
    expectSilentSuccess(run);
    const [line] = await hookLines(defaultStateDir(ws.dir));
    expect(line!.payload).toEqual(payload);
    const [problem] = await problems();
    expect(problem).toContain("stdin was still open after 2000 ms");
  });

  it("records a call with arguments it does not know, and notes them in its error log", async () => {
    expectSilentSuccess(await runHook(["--bogus", "x"], '{"n":1}', { env: env() }));
    expect((await hookLines(defaultStateDir(ws.dir))).map((l) => l.payload)).toEqual([{ n: 1 }]);
    expect((await problems())[0]).toContain("ignored arguments it does not know: --bogus x");
  });
});

describe("agentwatch hook with a state directory it cannot use exits 0 and says why in its error log", () => {
  it("a file where the state directory should be", async () => {
    const state = defaultStateDir(ws.dir);
    await mkdir(join(state, ".."), { recursive: true });
    await writeFile(state, "not a directory\n");
    expectSilentSuccess(await runHook([], '{"n":1}', { env: env() }));
    const [problem, ...more] = await problems();
    expect(more).toEqual([]);
    expect(problem).toContain(
      `cannot record a Claude Code hook event in ${join(state, "hooks", "claude-hooks.jsonl")}`,
    );
    expect(problem).toContain("not a directory");
    expect(await readFile(state, "utf8")).toBe("not a directory\n");
  });

  it.runIf(process.geteuid?.() !== 0 || canActAsOtherUser)("a read-only directory", async () => {
    const home = ws.dir;
    const agentwatchHome = join(home, ".local", "state", "agentwatch");
    const state = join(agentwatchHome, "state");
    await mkdir(state, { recursive: true, mode: 0o700 });
    // Root writes anywhere: the hook runs as the second user, in directories of its own.
    const other = process.geteuid?.() === 0;
    if (other) {
      await chmod(home, 0o755);
      await chmod(join(home, ".local"), 0o755);
      await chmod(join(home, ".local", "state"), 0o755);
      await chown(agentwatchHome, OTHER_UID, OTHER_UID);
      await chown(state, OTHER_UID, OTHER_UID);
    }
    await chmod(state, 0o500);
    const run = await runHook([], '{"n":1}', { env: env(), asOtherUser: other });
    expectSilentSuccess(run);
    const [problem] = await problems();
    expect(problem).toContain(
      `cannot record a Claude Code hook event in ${join(state, "hooks", "claude-hooks.jsonl")}: permission denied (EACCES)`,
    );
    expect(existsSync(join(state, "hooks"))).toBe(false);
  });

  it.runIf(canActAsOtherUser)("a directory another user owns", async () => {
    const state = defaultStateDir(ws.dir);
    await mkdir(state, { recursive: true, mode: 0o700 });
    await chown(state, OTHER_UID, OTHER_UID);
    expectSilentSuccess(await runHook([], '{"n":1}', { env: env() }));
    const [problem] = await problems();
    expect(problem).toContain(
      `refusing to use ${state} as the state directory: it is owned by uid ${OTHER_UID}`,
    );
    expect(existsSync(join(state, "hooks"))).toBe(false);
  });

  it("a symbolic link planted as the hooks file is not written through", async () => {
    const hooksDir = join(defaultStateDir(ws.dir), "hooks");
    await mkdir(hooksDir, { recursive: true, mode: 0o700 });
    const victim = join(ws.dir, "victim");
    await writeFile(victim, "precious\n");
    await symlink(victim, join(hooksDir, "claude-hooks.jsonl"));
    expectSilentSuccess(await runHook([], '{"n":1}', { env: env() }));
    expect(await readFile(victim, "utf8")).toBe("precious\n");
    expect((await problems())[0]).toContain("is a symbolic link");
  });

  it("with nowhere to write its error log either, it still exits 0 in silence", async () => {
    await writeFile(join(ws.dir, ".local"), "a file, not a directory\n");
    expectSilentSuccess(await runHook([], '{"n":1}', { env: env() }));
    expect(await readFile(join(ws.dir, ".local"), "utf8")).toBe("a file, not a directory\n");
  });
});
