import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { silentLogger, type AgentSummary, type Logger } from "@agentwatch/models";
import { mkdirDurable, writeFileAtomic } from "./atomic-write.js";
import {
  InvalidOptionError,
  InvalidSummaryError,
  errnoCode,
  readFailure,
  writeFailure,
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
import { decodeSummary, checkSummaryForWrite } from "./summary-codec.js";

/** The name of the file holding an agent's newest summary. */
export const LATEST_FILE = "latest_summary.json";

/** How many agents' files are written or read at once, to stay well under the open-file limit. */
const MAX_PARALLEL_IO = 64;

/** Runs one step of a write, turning a system error into a `SummaryWriteError` naming `path`. */
async function step(path: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (cause) {
    throw writeFailure(path, cause);
  }
}

/**
 * Keeps every agent's newest summary and its history on disk: `<summaryDir>/<instance_id>/`
 * holds `latest_summary.json` (replaced atomically) and `summary_history.jsonl` (one summary per
 * line, rotated to `summary_history.1.jsonl`, `.2.jsonl`… past `maxHistoryBytes`).
 *
 * Writes of one agent run one at a time in call order; writes of different agents run concurrently.
 * Fields the AgentSummary schema does not know are written and read back untouched.
 *
 * @throws {InvalidOptionError} when `maxHistoryBytes` or `historyFiles` is not a positive integer.
 * @example
 * const store = new SummaryStore("/tmp/madrox_logs/summaries");
 * await store.write(summary);
 * const latest = await store.getLatest("agent-123");
 * const lastHour = await store.getHistory("agent-123", { since: new Date(Date.now() - 3_600_000) });
 */
export class SummaryStore {
  /** The absolute summary directory. */
  readonly summaryDir: string;
  /** The size past which the current history file rotates. */
  readonly maxHistoryBytes: number;
  /** The most history files kept per agent, the current one included. */
  readonly historyFiles: number;
  readonly #logger: Logger;
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
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Stores `summary` as its agent's latest (atomically and durably) and appends it to the history.
   * Resolves once both are on disk.
   *
   * @throws {InvalidSummaryError} when `summary` breaks the AgentSummary schema (nothing is written).
   * @throws {InvalidInstanceIdError} when its `instance_id` cannot name a directory (nothing is written).
   * @throws {SummaryWriteError} when a file cannot be written, naming the path and the cause.
   */
  async write(summary: AgentSummary): Promise<void> {
    const checked = checkSummaryForWrite(summary);
    const dir = instanceDir(this.summaryDir, checked.instance_id);
    let latest: string;
    let line: string;
    try {
      latest = `${JSON.stringify(summary, null, 2)}\n`;
      line = `${JSON.stringify(summary)}\n`;
    } catch (cause) {
      throw new InvalidSummaryError(
        `cannot write summary for instance ${JSON.stringify(checked.instance_id)}: it cannot be serialized as JSON (${(cause as Error).message}); nothing was written`,
        { cause },
      );
    }
    await this.#queue.run(checked.instance_id, () =>
      this.#io.run(async () => {
        await step(dir, () => mkdirDurable(dir));
        const latestPath = join(dir, LATEST_FILE);
        await step(latestPath, () => writeFileAtomic(latestPath, latest));
        await step(join(dir, HISTORY_FILE), () =>
          appendHistoryLine(dir, line, this.maxHistoryBytes, this.historyFiles),
        );
      }),
    );
  }

  /**
   * The newest summary of one agent, or undefined when it has none (or its file is invalid, which
   * is logged as a warning). Waits for this agent's queued writes.
   *
   * @throws {InvalidInstanceIdError} when `instanceId` cannot name a directory.
   * @throws {SummaryReadError} when the file exists but cannot be read.
   */
  async getLatest(instanceId: string): Promise<AgentSummary | undefined> {
    const dir = instanceDir(this.summaryDir, instanceId);
    return this.#queue.run(instanceId, () => this.#readLatest(instanceId, dir, false));
  }

  /**
   * The newest summary of every agent under the summary dir, ordered by instance id. An agent
   * directory without a valid `latest_summary.json` is skipped with a warning.
   *
   * @throws {SummaryReadError} when the summary dir exists but cannot be listed.
   */
  async getAllLatest(): Promise<AgentSummary[]> {
    const ids = await this.listInstances();
    const found = await Promise.all(
      ids.map(async (id) => {
        try {
          return await this.#readLatest(id, join(this.summaryDir, id), true);
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
   * The ids of the agents that have a directory under the summary dir, sorted.
   *
   * @throws {SummaryReadError} when the summary dir exists but cannot be listed.
   */
  async listInstances(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.summaryDir, { withFileTypes: true });
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return [];
      throw readFailure(this.summaryDir, error);
    }
    return entries
      .filter((entry) => entry.isDirectory() && isValidInstanceId(entry.name))
      .map((entry) => entry.name)
      .sort();
  }

  /**
   * One agent's summaries, newest first, across the current and rotated history files. Reads each
   * file backwards from its end and stops at `limit` or at the first summary older than `since`,
   * so only what is returned is read. Invalid lines are skipped with a warning, a torn last line
   * (from a crash) with a debug message. Waits for this agent's queued writes.
   *
   * @throws {InvalidInstanceIdError} when `instanceId` cannot name a directory.
   * @throws {InvalidOptionError} for a negative or fractional `limit` or an unparseable `since`.
   * @throws {SummaryReadError} when a history file exists but cannot be read.
   */
  async getHistory(instanceId: string, query: HistoryQuery = {}): Promise<AgentSummary[]> {
    const dir = instanceDir(this.summaryDir, instanceId);
    const limit = parseLimit(query.limit);
    const sinceMs = parseSince(query.since);
    if (limit === 0) return [];
    return this.#queue.run(instanceId, () => readHistory(dir, limit, sinceMs, this.#logger));
  }

  async #readLatest(
    instanceId: string,
    dir: string,
    warnIfMissing: boolean,
  ): Promise<AgentSummary | undefined> {
    const path = join(dir, LATEST_FILE);
    let text: string;
    try {
      text = await this.#io.run(() => readFile(path, "utf8"));
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
    return decoded.summary;
  }
}
