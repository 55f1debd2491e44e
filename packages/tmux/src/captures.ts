import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { readdir, rename, stat, unlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { type Logger, silentLogger } from "@agentwatch/models";
import {
  ensurePrivateDir,
  errnoCode,
  openPrivateFile,
  readPrivateFile,
  writeFileAtomic,
} from "@agentwatch/safe-fs";
import { type TmuxPane, paneTarget } from "./panes.js";
import type { TmuxClient } from "./tmux-client.js";

/** How a pane's output reaches its capture file. */
export type CaptureMode =
  /** A `pipe-pane` agentwatch attached: every byte the pane prints. */
  | "pipe"
  /** The pane already had a pipe of someone else's: its screen, appended when it changes. */
  | "screen";

/** A capture agentwatch keeps, as `captures.json` records it. */
export interface CaptureRecord {
  readonly key: string;
  readonly paneId: string;
  readonly file: string;
  readonly mode: CaptureMode;
  /** Epoch ms when the pane was last listed. */
  lastSeen: number;
  /** For screen captures: a hash of the screen last appended. */
  lastScreen?: string | undefined;
}

/** Options of {@link CaptureManager}. */
export interface CaptureOptions {
  /** Where capture files and `captures.json` live (created private, mode 0700). */
  readonly dir: string;
  readonly client: TmuxClient;
  /** A capture file past this size is rotated (renamed to `.1`, the pipe re-attached); 64 MiB. */
  readonly maxBytes?: number | undefined;
  /** Lines of history above the screen that seed a new capture; 200. */
  readonly seedHistoryLines?: number | undefined;
  /** Captures of panes gone longer than this are deleted, files included; one day. */
  readonly keepGoneMs?: number | undefined;
  readonly logger?: Logger | undefined;
  readonly clock?: (() => number) | undefined;
}

const REGISTRY = "captures.json";
const RULE = "=".repeat(80);

/** `text` quoted for `sh -c`, which is how tmux runs a pipe-pane command. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A stable id for a pane: its server (socket path and start time) and its pane number. */
export function paneKey(pane: TmuxPane, socketPath: string): string {
  const server = createHash("sha256")
    .update(`${socketPath}\0${pane.serverStart}`)
    .digest("hex")
    .slice(0, 6);
  return `tmux-${server}-${pane.paneId.slice(1)}`;
}

/**
 * The capture files of tmux panes, in a private directory of agentwatch's own: one per pane,
 * named by its stable key. A new capture is seeded with the pane's screen (and some history), so
 * an agent already waiting at a prompt is judged at once, then fed by `pipe-pane -o` (never
 * replacing a pipe someone else attached: such a pane is captured by its screen instead).
 * Captures are rotated by size (rename, then the pipe re-attached: the reader drains the renamed
 * file first), and `detach()` removes exactly the pipes this manager attached.
 */
export class CaptureManager {
  readonly #o: Required<Omit<CaptureOptions, "logger" | "clock">> & {
    logger: Logger;
    clock: () => number;
  };
  #records: Map<string, CaptureRecord> | undefined;
  #dir: string | undefined;
  readonly #told = new Set<string>();
  /** The panes whose pipes this manager attached itself, in this process. */
  readonly #attachedHere = new Set<string>();

  constructor(options: CaptureOptions) {
    this.#o = {
      dir: options.dir,
      client: options.client,
      maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
      seedHistoryLines: options.seedHistoryLines ?? 200,
      keepGoneMs: options.keepGoneMs ?? 24 * 3600_000,
      logger: options.logger ?? silentLogger,
      clock: options.clock ?? Date.now,
    };
  }

  /** The capture records, loaded once from `captures.json`. */
  async #load(): Promise<Map<string, CaptureRecord>> {
    if (this.#records !== undefined) return this.#records;
    this.#dir = await ensurePrivateDir(this.#o.dir, { role: "tmux capture directory" });
    const records = new Map<string, CaptureRecord>();
    try {
      const parsed = JSON.parse(await readPrivateFile(join(this.#dir, REGISTRY))) as unknown;
      if (Array.isArray(parsed)) {
        for (const item of parsed as CaptureRecord[]) {
          if (typeof item?.key === "string" && typeof item.file === "string") {
            records.set(item.key, item);
          }
        }
      }
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") {
        this.#o.logger.warn(
          { err: error },
          `cannot read ${join(this.#dir, REGISTRY)}; starting without the captures it listed`,
        );
      }
    }
    this.#records = records;
    return records;
  }

  async #save(): Promise<void> {
    const records = await this.#load();
    await writeFileAtomic(
      join(this.#dir!, REGISTRY),
      `${JSON.stringify([...records.values()], null, 2)}\n`,
    );
  }

  /**
   * The capture file of `pane` (`key` is its stable id), attaching or refreshing its capture:
   * seeded and piped when new, re-piped when its pipe went away, its screen appended when it is
   * a screen capture, rotated when too large.
   *
   * @throws {TmuxError} when tmux refuses; {@link SafeFsError} or a system error for the files.
   */
  async ensure(pane: TmuxPane, key: string): Promise<CaptureRecord> {
    const records = await this.#load();
    let record = records.get(key);
    const now = this.#o.clock();
    if (record === undefined) {
      const file = join(this.#dir!, `${key}.log`);
      // Asked again just before attaching: a pipe attached since the listing is not ours to
      // replace. A pipe into our own capture file is ours (another agentwatch process attached
      // it, and its record did not reach this one).
      const piped = pane.piped || (await this.#hasPipe(pane));
      const adopted = piped && (await exists(file));
      const mode: CaptureMode = piped && !adopted ? "screen" : "pipe";
      record = { key, paneId: pane.paneId, file, mode, lastSeen: now };
      records.set(key, record);
      if (adopted) {
        // Already flowing into its file.
      } else if (mode === "pipe") {
        await this.#seed(pane, file);
        await this.#pipe(pane, file, true);
        this.#attachedHere.add(key);
      } else {
        this.#tellOnce(
          key,
          `tmux pane ${pane.paneId} (${paneTarget(pane)}) already has a pipe someone else attached; agentwatch reads it by its screen instead, so output between two cycles that scrolls off the screen is not seen`,
        );
      }
      await this.#save();
      if (mode === "pipe") return record; // just piped: `pane` predates the pipe
    }
    record.lastSeen = now;
    if (record.mode === "pipe") {
      if (await this.#tooLarge(record.file)) await this.#rotate(pane, record.file);
      // Its pipe went away (a detach, a restart with --keep-capture off): attach it again. `-o`
      // toggles, so this is only ever done for a pane listed without a pipe.
      else if (!pane.piped && !(await this.#hasPipe(pane)))
        await this.#pipe(pane, record.file, true);
    } else {
      if (await this.#tooLarge(record.file)) await this.#rotateFile(record.file);
      await this.#appendScreen(pane, record);
    }
    return record;
  }

  /** Forgets, and deletes the files of, captures whose panes have been gone a long time. */
  async sweep(present: ReadonlySet<string>): Promise<void> {
    const records = await this.#load();
    const now = this.#o.clock();
    let changed = false;
    for (const record of records.values()) {
      if (present.has(record.key) || now - record.lastSeen < this.#o.keepGoneMs) continue;
      records.delete(record.key);
      changed = true;
      for (const file of [record.file, `${record.file}.1`]) {
        await unlink(file).catch(() => {});
      }
    }
    if (changed) await this.#save();
  }

  /**
   * Removes the pipes agentwatch attached (and nothing else): the panes go on, uncaptured. With
   * `onlyMine`, only those this process attached (a clean shutdown leaves another agentwatch's
   * pipes alone); without, every pipe into agentwatch's capture files (`agentwatch tmux detach`).
   * Resolves to how many pipes were removed.
   */
  async detach(
    panes: readonly TmuxPane[],
    keyOf: (pane: TmuxPane) => string,
    options: { onlyMine?: boolean } = {},
  ): Promise<number> {
    const records = await this.#load();
    let removed = 0;
    for (const pane of panes) {
      const key = keyOf(pane);
      const record = records.get(key);
      if (record?.mode !== "pipe" || !pane.piped) continue;
      if (options.onlyMine === true && !this.#attachedHere.has(key)) continue;
      this.#attachedHere.delete(key);
      await this.#o.client.run("pipe-pane", "-t", pane.paneId);
      removed++;
    }
    return removed;
  }

  /** The capture files this manager keeps, for tests and `agentwatch tmux`. */
  async files(): Promise<string[]> {
    await this.#load();
    return (await readdir(this.#dir!)).filter((name) => name.endsWith(".log")).sort();
  }

  async #seed(pane: TmuxPane, file: string): Promise<void> {
    const screen = await this.#o.client.run(
      "capture-pane",
      "-p",
      "-e",
      "-J",
      "-t",
      pane.paneId,
      "-S",
      String(-this.#o.seedHistoryLines),
    );
    await this.#append(file, trimTrailingBlankLines(screen));
  }

  async #pipe(pane: TmuxPane, file: string, onlyIfNone: boolean): Promise<void> {
    const args = ["pipe-pane"];
    if (onlyIfNone) args.push("-o");
    await this.#o.client.run(...args, "-t", pane.paneId, `exec cat >> ${shellQuote(file)}`);
  }

  async #hasPipe(pane: TmuxPane): Promise<boolean> {
    const piped = await this.#o.client.run(
      "display-message",
      "-p",
      "-t",
      pane.paneId,
      "#{pane_pipe}",
    );
    return piped.trim() === "1";
  }

  async #appendScreen(pane: TmuxPane, record: CaptureRecord): Promise<void> {
    const screen = trimTrailingBlankLines(
      await this.#o.client.run("capture-pane", "-p", "-e", "-J", "-t", pane.paneId),
    );
    const hash = createHash("sha256").update(screen).digest("hex").slice(0, 16);
    if (hash === record.lastScreen) return;
    record.lastScreen = hash;
    const stamp = new Date(this.#o.clock()).toISOString();
    await this.#append(record.file, `${RULE}\n[${stamp}]\n${RULE}\n${screen}`);
    await this.#save();
  }

  async #append(file: string, text: string): Promise<void> {
    const handle = await openPrivateFile(
      file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
    );
    try {
      await handle.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
    } finally {
      await handle.close();
    }
  }

  async #tooLarge(file: string): Promise<boolean> {
    try {
      return (await stat(file)).size > this.#o.maxBytes;
    } catch {
      return false;
    }
  }

  async #rotateFile(file: string): Promise<void> {
    await rename(file, `${file}.1`);
  }

  /** Renames the capture to `.1` and points the pane's pipe at a new file. */
  async #rotate(pane: TmuxPane, file: string): Promise<void> {
    await this.#rotateFile(file);
    await this.#append(file, "");
    await this.#pipe(pane, file, false); // replaces the pipe writing into the renamed file
    this.#attachedHere.add(basename(file, ".log"));
  }

  #tellOnce(key: string, message: string): void {
    if (this.#told.has(key)) return;
    this.#told.add(key);
    this.#o.logger.warn({ pane: key }, message);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function trimTrailingBlankLines(text: string): string {
  return text.replace(/(?:[ \t]*\n)+$/, "\n").replace(/^\n$/, "");
}
