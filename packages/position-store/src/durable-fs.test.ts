// The copy that stands in for a hard link (the .bak and .corrupt-<timestamp> files, where the file
// system has no hard links): it must never read or write through a symbolic link.
import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyToNewPrivateFile } from "./durable-fs.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "position-store-copy-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("copyToNewPrivateFile", () => {
  it("makes a private (0600) copy of a file others can read", async () => {
    await writeFile(join(dir, "state"), "{}\n");
    await chmod(join(dir, "state"), 0o644);
    await copyToNewPrivateFile(join(dir, "state"), join(dir, "copy"));
    expect(await readFile(join(dir, "copy"), "utf8")).toBe("{}\n");
    expect((await stat(join(dir, "copy"))).mode & 0o777).toBe(0o600);
  });

  it("never writes through a symlink at the target", async () => {
    await writeFile(join(dir, "state"), "{}\n");
    await writeFile(join(dir, "victim"), "keep me");
    await symlink(join(dir, "victim"), join(dir, "copy"));
    await expect(copyToNewPrivateFile(join(dir, "state"), join(dir, "copy"))).rejects.toThrow(
      expect.objectContaining({ code: "EEXIST" }) as Error,
    );
    expect(await readFile(join(dir, "victim"), "utf8")).toBe("keep me");
  });

  it("refuses a source that is a symlink instead of copying what it points to", async () => {
    await writeFile(join(dir, "secret"), "not ours");
    await symlink(join(dir, "secret"), join(dir, "state"));
    await expect(copyToNewPrivateFile(join(dir, "state"), join(dir, "copy"))).rejects.toThrow(
      expect.objectContaining({ code: "SYMLINK" }) as Error,
    );
    await expect(stat(join(dir, "copy"))).rejects.toThrow(/ENOENT/);
  });
});
