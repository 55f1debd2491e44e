import { stat } from "node:fs/promises";
import { ensurePrivateDir, errnoCode } from "@agentwatch/safe-fs";

/** How the summary directory is named in refusals: "refusing to use … as the summary directory". */
const ROLE = "summary directory";

/** How an agent's directory is named in refusals. */
export const AGENT_DIR_ROLE = "agent directory";

interface Checked {
  /** The real path `ensurePrivateDir` resolved to; every file is reached through it. */
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  /** Owner and mode as checked: a directory recreated under a reused inode number differs here. */
  readonly uid: number;
  readonly mode: number;
}

/**
 * The summary directory of one store, checked with `ensurePrivateDir` (owned by this user, not
 * writable by others, no ancestor another user controls) before the first write or read.
 *
 * The full check walks every ancestor, so it runs once per store; each later use costs one `stat`
 * that makes sure the directory is still the one checked. When it was deleted, or replaced (say by
 * a temp cleaner, and then by another user who took the name), it is checked again, and for a
 * write created again (mode 0700).
 */
export class SummaryRoot {
  readonly #dir: string;
  #checked: Checked | undefined;
  readonly #creating = new Shared<Checked>();
  readonly #probing = new Shared<Checked | undefined>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /**
   * The real path of the summary directory, created (mode 0700) when missing.
   *
   * @throws {SafeFsError} when it, or a directory above it, is unsafe.
   * @throws a Node.js system error when it cannot be created or read.
   */
  async forWrite(): Promise<string> {
    const checked =
      (await this.#current()) ??
      (await this.#creating.run(async () =>
        this.#record(await ensurePrivateDir(this.#dir, { role: ROLE })),
      ));
    return checked.path;
  }

  /**
   * The real path of the summary directory, or undefined when it does not exist (no summaries).
   *
   * @throws {SafeFsError} when it, or a directory above it, is unsafe.
   * @throws a Node.js system error when it cannot be read.
   */
  async forRead(): Promise<string | undefined> {
    const checked =
      (await this.#current()) ??
      (await this.#probing.run(async () => {
        try {
          return this.#record(await ensurePrivateDir(this.#dir, { role: ROLE, create: false }));
        } catch (error) {
          if (errnoCode(error) === "ENOENT") return undefined;
          throw error;
        }
      }));
    return checked?.path;
  }

  /** Forgets the check, so the next use checks (and for a write, creates) the directory again. */
  invalidate(): void {
    this.#checked = undefined;
  }

  /** The checked directory when it is still there and still the same directory. */
  async #current(): Promise<Checked | undefined> {
    const checked = this.#checked;
    if (checked === undefined) return undefined;
    try {
      const info = await stat(checked.path);
      if (
        info.dev === checked.dev &&
        info.ino === checked.ino &&
        info.uid === checked.uid &&
        info.mode === checked.mode
      ) {
        return checked;
      }
    } catch (error) {
      const code = errnoCode(error);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    }
    if (this.#checked === checked) this.#checked = undefined;
    return undefined;
  }

  async #record(path: string): Promise<Checked> {
    const info = await stat(path);
    const checked = { path, dev: info.dev, ino: info.ino, uid: info.uid, mode: info.mode };
    this.#checked = checked;
    return checked;
  }
}

/** One run of an async task shared by every caller that comes while it runs. */
class Shared<T> {
  #running: Promise<T> | undefined;

  run(task: () => Promise<T>): Promise<T> {
    this.#running ??= task().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }
}
