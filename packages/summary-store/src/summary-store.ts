import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { silentLogger, type AgentSummary, type Logger } from "@agentwatch/models";
import {
  ensurePrivateSubdir,
  privateSubdirExists,
  errnoCode,
  readPrivateFile,
  writeFileAtomic,
} from "@agentwatch/safe-fs";
import {
  InvalidOptionError,
  InvalidSummaryError,
  SummaryWriteError,
  readFailure,
  readStep,
  writeStep,
} from "./errors.js";
import { HISTORY_FILE, appendHistoryLine } from "./history-files.js";
import { instanceDir, isValidInstanceId } from "./instance-id.js";
import { KeyedQueue } from "./keyed-queue.js";
import { Limiter } from "./limiter.js";
import {
  parseLimit,
  parseSince,
  positiveInteger,
  type HistoryQuery,
  type SummaryStoreOptions,
} from "./options.js";
import { readHistory } from "./read-history.js";
import { DEFAULT_MAX_LINE_BYTES } from "./reverse-lines.js";
import { decodeSummary, checkSummaryForWrite } from "./summary-codec.js";
import { AGENT_DIR_ROLE, SummaryRoot } from "./summary-root.js";

/** The name of the file holding an agent's newest summary. */
export const LATEST_FILE = "latest_summary.json";

/** How many agents' files are written or read at once, to stay well under the open-file limit. */
const MAX_PARALLEL_IO = 64;

/** Whether a write failed because a directory it needed is gone (someone deleted the summary dir). */
function isMissingDirectory(error: unknown): boolean {
  return error instanceof SummaryWriteError && errnoCode(error.cause) === "ENOENT";
}

/**
 * Keeps every agent's newest summary and its history on disk: `<summaryDir>/<instance_id>/`
 * holds `latest_summary.json` (replaced atomically) and `summary_history.jsonl` (one summary per
 * line, rotated to `summary_history.1.jsonl`, `.2.jsonl`… past `maxHistoryBytes`).
 *
 * Everything is private to this user: the summary dir is checked (or created, mode 0700) with
 * `ensurePrivateDir` of `@agentwatch/safe-fs` before the first write or read, agent directories are
 * 0700, files 0600, and no symbolic link inside the summary dir is ever followed.
 *
 * Writes of one agent run one at a time in call order; writes of different agents run concurrently.
 * Fields the AgentSummary schema does not know are written and read back untouched.
 *
 * @throws {InvalidOptionError} when `maxHistoryBytes`, `historyFiles` or `maxLineBytes` is not a
 *   positive integer.
 * @example
 * const store = new SummaryStore("/tmp/madrox_logs/summaries");
 * await store.write(summary);
 * const latest = await store.getLatest("agent-123");
 * const lastHour = await store.getHistory("agent-123", { since: new Date(Date.now() - 3_600_000) });
 */
export class SummaryStore {
  /** The absolute summary directory, as given. */
  readonly summaryDir: string;
  /** The size past which the current history file rotates. */
  readonly maxHistoryBytes: number;
  /** The most history files kept per agent, the current one included. */
  readonly historyFiles: number;
  /** The longest history line read back (and written), in bytes. */
  readonly maxLineBytes: number;
  readonly #logger: Logger;
  readonly #root: SummaryRoot;
  readonly #queue = new KeyedQueue();
  readonly #io = new Limiter(MAX_PARALLEL_IO);

  constructor(summaryDir: string, options: SummaryStoreOptions = {}) {
    if (typeof summaryDir !== "string" || summaryDir.length === 0) {
      throw new InvalidOptionError(
        "invalid summaryDir: expected a directory path; pass e.g. /tmp/madrox_logs/summaries",
        "summaryDir",
      );
    }
    this.summaryDir = resolve(summaryDir);
    this.maxHistoryBytes = positiveInteger("maxHistoryBytes", options.maxHistoryBytes, 10_000_000);
    this.historyFiles = positiveInteger("historyFiles", options.historyFiles, 3);
    this.maxLineBytes = positiveInteger(
      "maxLineBytes",
      options.maxLineBytes,
      DEFAULT_MAX_LINE_BYTES,
    );
    this.#logger = options.logger ?? silentLogger;
    this.#root = new SummaryRoot(this.summaryDir);
  }

  /**
   * Stores `summary` as its agent's latest (atomically and durably) and appends it to the history.
   * Resolves once both are on disk. The summary dir is created (mode 0700) when missing, also when
   * it was deleted after earlier writes.
   *
   * @throws {InvalidSummaryError} when `summary` breaks the AgentSummary schema, or its history line
   *   would be longer than `maxLineBytes` (nothing is written).
   * @throws {InvalidInstanceIdError} when its `instance_id` cannot name a directory (nothing is written).
   * @throws {UnsafePathError} when the summary dir, or a directory above it, is another user's or
   *   writable by others, or the agent's directory or one of its files is a symbolic link; the
   *   message is one line naming the path, its owner and what to do. Nothing is written through it.
   * @throws {SummaryWriteError} when a file cannot be written, naming the path and the cause.
   */
  async write(summary: AgentSummary): Promise<void> {
    const checked = checkSummaryForWrite(summary);
    const id = checked.instance_id;
    instanceDir(this.summaryDir, id); // throws for an id that cannot name a directory
    let latest: string;
    let line: string;
    try {
      latest = `${JSON.stringify(summary, null, 2)}\n`;
      line = `${JSON.stringify(summary)}\n`;
    } catch (cause) {
      throw new InvalidSummaryError(
        `cannot write summary for instance ${JSON.stringify(id)}: it cannot be serialized as JSON (${(cause as Error).message}); nothing was written`,
        { cause },
      );
    }
    const lineBytes = Buffer.byteLength(line, "utf8") - 1;
    if (lineBytes > this.maxLineBytes) {
      throw new InvalidSummaryError(
        `cannot write summary for instance ${JSON.stringify(id)}: its history line is ${lineBytes} bytes, more than maxLineBytes (${this.maxLineBytes}) that reads accept; shorten its text fields or raise maxLineBytes; nothing was written`,
      );
    }
    await this.#queue.run(id, () =>
      this.#io.run(async () => {
        try {
          await this.#writeFiles(id, latest, line);
        } catch (error) {
          if (!isMissingDirectory(error)) throw error;
          // The summary dir (or the agent's) was deleted under us: check and create it again.
          this.#root.invalidate();
          await this.#writeFiles(id, latest, line);
        }
      }),
    );
  }

  async #writeFiles(id: string, latest: string, line: string): Promise<void> {
    const root = await writeStep(this.summaryDir, () => this.#root.forWrite());
    const dir = join(root, id);
    await writeStep(dir, () => ensurePrivateSubdir(dir, AGENT_DIR_ROLE));
    const latestPath = join(dir, LATEST_FILE);
    await writeStep(latestPath, () => writeFileAtomic(latestPath, latest));
    await writeStep(join(dir, HISTORY_FILE), () =>
      appendHistoryLine(dir, line, this.maxHistoryBytes, this.historyFiles),
    );
  }

  /**
   * The newest summary of one agent, or undefined when it has none (or its file is invalid, or
   * names another agent, which is logged as a warning). Waits for this agent's queued writes.
   *
   * @throws {InvalidInstanceIdError} when `instanceId` cannot name a directory.
   * @throws {UnsafePathError} when the summary dir is unsafe (see `write`), or the agent's directory
   *   or its `latest_summary.json` is a symbolic link (which is never followed).
   * @throws {SummaryReadError} when the file exists but cannot be read.
   */
  async getLatest(instanceId: string): Promise<AgentSummary | undefined> {
    instanceDir(this.summaryDir, instanceId); // throws for an id that cannot name a directory
    return this.#queue.run(instanceId, async () => {
      const dir = await this.#agentDirForRead(instanceId);
      return dir === undefined ? undefined : this.#readLatest(instanceId, dir, false);
    });
  }

  /**
   * The newest summary of every agent under the summary dir, ordered by instance id. An agent
   * directory without a valid `latest_summary.json` of its own (a missing, invalid or linked file,
   * or one naming another agent), and an entry that is a symbolic link, are skipped with a warning.
   *
   * @throws {UnsafePathError} when the summary dir, or a directory above it, is another user's or
   *   writable by others: the message is one line naming the path, its owner and what to do.
   * @throws {SummaryReadError} when the summary dir exists but cannot be listed.
   */
  async getAllLatest(): Promise<AgentSummary[]> {
    const root = await readStep(this.summaryDir, () => this.#root.forRead());
    if (root === undefined) return [];
    const ids = await this.#listAgentDirs(root);
    const found = await Promise.all(
      ids.map(async (id) => {
        try {
          // Listed as a directory, not a link; inside the checked summary dir only this user (or
          // root) could swap it for one since, so it is not checked again.
          return await this.#readLatest(id, join(root, id), true);
        } catch (error) {
          this.#logger.warn(
            { instanceId: id, err: error },
            `skipped agent ${id}: ${(error as Error).message}`,
          );
          return undefined;
        }
      }),
    );
    return found.filter((summary): summary is AgentSummary => summary !== undefined);
  }

  /**
   * The ids of the agents that have a directory under the summary dir, sorted. Symbolic links there
   * are left out, with a warning.
   *
   * @throws {UnsafePathError} when the summary dir is unsafe (see `getAllLatest`).
   * @throws {SummaryReadError} when the summary dir exists but cannot be listed.
   */
  async listInstances(): Promise<string[]> {
    const root = await readStep(this.summaryDir, () => this.#root.forRead());
    return root === undefined ? [] : this.#listAgentDirs(root);
  }

  /**
   * One agent's summaries, newest first, across the current and rotated history files. Reads each
   * file backwards from its end and stops at `limit` or at the first summary older than `since`,
   * so only what is returned is read. Invalid lines and summaries of another agent are skipped with
   * a warning, a torn last line (from a crash) with a debug message, lines longer than
   * `maxLineBytes` without being read into memory (one warning per file counts them). Waits for
   * this agent's queued writes.
   *
   * @throws {InvalidInstanceIdError} when `instanceId` cannot name a directory.
   * @throws {InvalidOptionError} for a negative or fractional `limit` or an unparseable `since`.
   * @throws {UnsafePathError} when the summary dir is unsafe (see `write`), or the agent's directory
   *   or a history file is a symbolic link (which is never followed).
   * @throws {SummaryReadError} when a history file exists but cannot be read.
   */
  async getHistory(instanceId: string, query: HistoryQuery = {}): Promise<AgentSummary[]> {
    instanceDir(this.summaryDir, instanceId); // throws for an id that cannot name a directory
    const limit = parseLimit(query.limit);
    const sinceMs = parseSince(query.since);
    if (limit === 0) return [];
    return this.#queue.run(instanceId, async () => {
      const dir = await this.#agentDirForRead(instanceId);
      if (dir === undefined) return [];
      const { maxLineBytes } = this;
      return readHistory({ instanceId, dir, limit, sinceMs, maxLineBytes, logger: this.#logger });
    });
  }

  /** The agent's directory, or undefined when it (or the summary dir) does not exist. */
  async #agentDirForRead(instanceId: string): Promise<string | undefined> {
    const root = await readStep(this.summaryDir, () => this.#root.forRead());
    if (root === undefined) return undefined;
    const dir = join(root, instanceId);
    // A reader creates nothing, and refuses what a writer would (a symlink, another user's).
    return (await readStep(dir, () => privateSubdirExists(dir, AGENT_DIR_ROLE))) ? dir : undefined;
  }

  /** The names of the agent directories in `root`, sorted; symbolic links are skipped with a warning. */
  async #listAgentDirs(root: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(root, { withFileTypes: true });
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return [];
      throw readFailure(root, error);
    }
    const ids: string[] = [];
    for (const entry of entries) {
      if (entry.isSymbolicLink()) {
        const path = join(root, entry.name);
        this.#logger.warn(
          { path },
          `skipped ${path}: it is a symbolic link, and agentwatch follows none inside the summary directory; remove the link`,
        );
      } else if (entry.isDirectory() && isValidInstanceId(entry.name)) {
        ids.push(entry.name);
      }
    }
    return ids.sort();
  }

  async #readLatest(
    instanceId: string,
    dir: string,
    warnIfMissing: boolean,
  ): Promise<AgentSummary | undefined> {
    const path = join(dir, LATEST_FILE);
    let text: string;
    try {
      text = await this.#io.run(() => readPrivateFile(path));
    } catch (error) {
      if (errnoCode(error) === "ENOENT") {
        if (warnIfMissing) {
          this.#logger.warn({ instanceId, path }, `skipped agent ${instanceId}: no ${path}`);
        }
        return undefined;
      }
      throw readFailure(path, error);
    }
    const decoded = decodeSummary(text);
    if (!decoded.ok) {
      this.#logger.warn(
        { instanceId, path, reason: decoded.reason },
        `ignored invalid ${path}: ${decoded.reason}`,
      );
      return undefined;
    }
    if (decoded.summary.instance_id !== instanceId) {
      this.#logger.warn(
        { instanceId, path },
        `ignored ${path}: its instance_id does not match the directory's, ${instanceId}`,
      );
      return undefined;
    }
    return decoded.summary;
  }
}
