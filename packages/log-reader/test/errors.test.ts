import { execFile, execFileSync } from "node:child_process";
import { open as openHandle, chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { scaled, testChild } from "@agentwatch/test-kit";
import { describe, expect, it, vi } from "vitest";
import {
  type CountingStore,
  type FakeClock,
  makeReader,
  openFdsUnder,
  useLogFixture,
} from "./helpers.js";

const run = promisify(execFile);
const childSource = new URL("./child/read-once.ts", import.meta.url);

let dir: string;
let log: string;
let store: CountingStore;
let clock: FakeClock;

useLogFixture({ content: "a\nb\n" }, (f) => ({ dir, log, store, clock } = f));

async function fileHandlePrototype(): Promise<{ read: (...args: unknown[]) => Promise<unknown> }> {
  const probe = await openHandle(log, "r");
  const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  return proto;
}

/** Reads once so a position exists, then returns it and the write count. */
async function withSavedPosition() {
  const reader = makeReader(store, clock);
  await reader.readNewContent("i", log);
  return { reader, saved: store.getPosition("i", "tmux_output"), updates: store.updates };
}

describe("8. errors never throw and leave the position untouched", () => {
  it("a missing file gives ENOENT, no lines, and keeps the saved position", async () => {
    const { reader, saved, updates } = await withSavedPosition();
    await rm(log);
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({
      lines: [],
      totalLines: 2,
      pendingPartial: null,
      hasMore: false,
    });
    expect(result.error?.code).toBe("ENOENT");
    expect(result.error?.message).toContain(log);
    expect(store.getPosition("i", "tmux_output")).toEqual(saved);
    expect(store.updates).toBe(updates);
  });

  it("a directory gives EISDIR", async () => {
    const { reader, saved } = await withSavedPosition();
    await rm(log);
    await mkdir(log);
    const result = await reader.readNewContent("i", log);
    expect(result.error?.code).toBe("EISDIR");
    expect(result.lines).toEqual([]);
    expect(store.getPosition("i", "tmux_output")).toEqual(saved);
    expect(await reader.readLastNLines(log)).toEqual([]);
  });

  it("a FIFO gives NOT_REGULAR_FILE at once instead of blocking", async () => {
    const fifo = join(dir, "agent.fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = makeReader(store, clock);
    const result = await reader.readNewContent("i", fifo);
    expect(result.error?.code).toBe("NOT_REGULAR_FILE");
    expect(result.error?.message).toContain("FIFO");
    expect(await reader.readLastNLines(fifo)).toEqual([]);
    expect(store.updates).toBe(0);
  });

  it("a symlink loop gives its OS error code (ELOOP)", async () => {
    const loop = join(dir, "loop.log");
    await symlink(loop, loop);
    const result = await makeReader(store, clock).readNewContent("i", loop);
    expect(result.error?.code).toBe("ELOOP");
  });

  it("an I/O error while reading gives EIO, closes the file and keeps the position", async () => {
    const { reader, saved, updates } = await withSavedPosition();
    await writeFile(log, "a\nb\nc\n");
    const proto = await fileHandlePrototype();
    const realRead = proto.read;
    const eio = Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" });
    vi.spyOn(proto, "read")
      .mockImplementationOnce(function (this: unknown, ...args: unknown[]) {
        return realRead.apply(this, args); // the fingerprint read succeeds
      })
      .mockRejectedValueOnce(eio); // the read of the new lines fails
    const result = await reader.readNewContent("i", log);
    expect(result.error?.code).toBe("EIO");
    expect(result.lines).toEqual([]);
    expect(store.getPosition("i", "tmux_output")).toEqual(saved);
    expect(store.updates).toBe(updates);
    expect(await openFdsUnder(dir)).toEqual([]);
    vi.restoreAllMocks();
    expect((await reader.readNewContent("i", log)).lines).toEqual(["c"]);
  });

  it("a store whose getPosition throws gives an error result, not an exception", async () => {
    store.getPosition = () => {
      throw Object.assign(new Error("corrupt state"), { code: "STATE_CORRUPT" });
    };
    const result = await makeReader(store, clock).read("i", log);
    expect(result.error).toMatchObject({ code: "STATE_CORRUPT" });
    expect(result.lines).toEqual([]);
    await result.commit();
    expect(store.updates).toBe(0);
  });

  it("an empty path gives EINVAL", async () => {
    const result = await makeReader(store, clock).readNewContent("i", "");
    expect(result.error?.code).toBe("EINVAL");
  });

  it("permission denied gives EACCES and keeps the saved position (checked as an unprivileged user)", async () => {
    const { saved } = await withSavedPosition();
    await writeFile(log, "a\nb\nsecret\n");
    await chmod(log, 0o000);
    await chmod(dir, 0o755);
    const asRoot = process.getuid?.() === 0;
    const { stdout } = await run(
      process.execPath,
      [testChild(childSource), log, JSON.stringify(saved)],
      {
        cwd: fileURLToPath(new URL("..", import.meta.url)),
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
        env: { ...process.env, HOME: dir },
        timeout: scaled(20_000),
      },
    );
    const child = JSON.parse(stdout) as {
      result: { error: { code: string } | null; lines: string[] };
      lastLines: string[];
      position: unknown;
    };
    expect(child.result.error?.code).toBe("EACCES");
    expect(child.result.lines).toEqual([]);
    expect(child.lastLines).toEqual([]);
    expect(child.position).toEqual(saved);
  });
});

describe("6. one handle per call, none kept open", () => {
  it("no file under the log's directory stays open after reads, rotations and errors", async () => {
    const reader = makeReader(store, clock, { maxLinesPerRead: 1 });
    await reader.readNewContent("i", log);
    expect(await openFdsUnder(dir)).toEqual([]);
    await writeFile(join(dir, "app.log.1"), "unrelated\n");
    await writeFile(log, "x\n"); // truncated: the copy search opens siblings
    await reader.readNewContent("i", log);
    expect(await openFdsUnder(dir)).toEqual([]);
    await reader.readLastNLines(log, 10);
    await reader.readNewContent("i", join(dir, "missing.log"));
    expect(await openFdsUnder(dir)).toEqual([]);
  });

  it("a rotation between open and read cannot mix two files: the call reads the file it opened", async () => {
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await writeFile(log, "a\nb\nold tail\n");
    const proto = await fileHandlePrototype();
    const realRead = proto.read;
    let armed = true;
    vi.spyOn(proto, "read").mockImplementation(async function (this: unknown, ...args: unknown[]) {
      if (armed) {
        armed = false; // the first read of the call: the handle is open and stat'ed
        await writeFile(join(dir, "staging"), "NEW FILE first line\nsecond\n");
        execFileSync("mv", [log, `${log}.1`]);
        execFileSync("mv", [join(dir, "staging"), log]);
      }
      return realRead.apply(this, args);
    });
    const during = await reader.readNewContent("i", log);
    expect(during.lines).toEqual(["old tail"]);
    expect(during.rotated).toBe(false);
    vi.restoreAllMocks();
    const after = await reader.readNewContent("i", log);
    expect(after).toMatchObject({ lines: ["NEW FILE first line", "second"], rotated: true });
  });
});
