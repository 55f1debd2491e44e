import { execFileSync } from "node:child_process";
import { constants } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SafeFsError, openPrivateFile, readPrivateFile, writeFileAtomic } from "../src/index.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "safe-fs-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;

describe("openPrivateFile", () => {
  it("creates a file with mode 0600", async () => {
    const path = join(root, "history.jsonl");
    const handle = await openPrivateFile(path, APPEND);
    await handle.write("line\n");
    await handle.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, "utf8")).toBe("line\n");
  });

  it("refuses to append through a symlink, leaving its target untouched", async () => {
    const victim = join(root, "victim");
    await writeFile(victim, "precious\n");
    const path = join(root, "history.jsonl");
    await symlink(victim, path);
    const error: unknown = await openPrivateFile(path, APPEND).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafeFsError);
    expect((error as SafeFsError).code).toBe("SYMLINK");
    expect((error as SafeFsError).message).toContain(`refusing to open ${path}`);
    expect(await readFile(victim, "utf8")).toBe("precious\n");
  });

  it("refuses a FIFO without hanging", async () => {
    const path = join(root, "fifo");
    execFileSync("mkfifo", [path]);
    const error: unknown = await openPrivateFile(path, APPEND).catch((e: unknown) => e);
    // No reader: the open fails at once (ENXIO); with one it would be refused as not a file.
    expect((error as { code?: string }).code).toMatch(/^(ENXIO|WRONG_TYPE)$/);
  });

  it("makes a file of this user's that others can read private when opened for writing", async () => {
    const path = join(root, "old.jsonl");
    await writeFile(path, "x\n");
    await chmod(path, 0o644);
    await (await openPrivateFile(path, APPEND)).close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

describe("readPrivateFile", () => {
  it("refuses to read through a symlink", async () => {
    const secret = join(root, "secret");
    await writeFile(secret, "token=abc\n");
    const path = join(root, "latest_summary.json");
    await symlink(secret, path);
    const error: unknown = await readPrivateFile(path).catch((e: unknown) => e);
    expect((error as SafeFsError).code).toBe("SYMLINK");
    expect((error as Error).message).not.toContain("token");
  });
});

describe("writeFileAtomic", () => {
  it("replaces a symlink with the file instead of writing through it", async () => {
    const victim = join(root, "victim");
    await writeFile(victim, "precious\n");
    const path = join(root, "latest_summary.json");
    await symlink(victim, path);
    await writeFileAtomic(path, "{}\n");
    expect((await lstat(path)).isSymbolicLink()).toBe(false);
    expect(await readFile(path, "utf8")).toBe("{}\n");
    expect(await readFile(victim, "utf8")).toBe("precious\n");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("leaves no temp file behind when the rename fails", async () => {
    const path = join(root, "taken");
    await mkdir(join(path, "inside"), { recursive: true });
    await expect(writeFileAtomic(path, "x")).rejects.toMatchObject({ code: "EISDIR" });
    expect(await readdir(root)).toEqual(["taken"]);
  });
});
