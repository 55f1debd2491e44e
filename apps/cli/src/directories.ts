import { randomBytes } from "node:crypto";
import { open, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { MonitoringConfig } from "@agentwatch/config";
import { SafeFsError, ensurePrivateDir } from "@agentwatch/safe-fs";
import { CliError } from "./errors.js";

const REASONS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "it is on a read-only file system",
  ENOTDIR: "a part of its path is not a directory",
  EEXIST: "it exists and is not a directory",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
};

/** Whether this process can create a file in `dir`: creates one exclusively and removes it. */
async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, `.agentwatch-probe-${process.pid}-${randomBytes(4).toString("hex")}`);
  const handle = await open(probe, "wx", 0o600);
  await handle.close();
  await unlink(probe);
}

/**
 * Makes sure the summary and state directories can be used before anything runs: each is created
 * (mode 0700) or checked to be this user's alone (see `@agentwatch/safe-fs`), and a file can be
 * created in it. A monitor that cannot save its positions or summaries would re-read and
 * re-summarize the same output forever; it is better not to start.
 *
 * @throws {CliError} (exit 1) with one line naming the directory, what is wrong and the flag to use.
 */
export async function prepareDirectories(config: MonitoringConfig): Promise<void> {
  const dirs = [
    { path: config.summary_dir, role: "summary directory", flag: "--summary-dir" },
    { path: config.state_dir, role: "state directory", flag: "--state-dir" },
  ];
  for (const { path, role, flag } of dirs) {
    try {
      await probeWritable(await ensurePrivateDir(path, { role }));
    } catch (error) {
      if (error instanceof SafeFsError) {
        throw new CliError(`${error.message} (${flag})`, 1, { cause: error });
      }
      const code = (error as NodeJS.ErrnoException).code ?? "";
      const reason = REASONS[code] ?? (error as Error).message;
      const where = (error as NodeJS.ErrnoException).path;
      // Where below it the failure was, unless that is the directory itself or the probe file.
      const at =
        where !== undefined && !where.startsWith(path) && !path.startsWith(where)
          ? ` (at ${where})`
          : "";
      throw new CliError(
        `cannot use ${path} as the ${role}: ${reason}${code !== "" && REASONS[code] ? ` (${code})` : ""}${at}; choose a directory you can write with ${flag}`,
        1,
        { cause: error },
      );
    }
  }
}
