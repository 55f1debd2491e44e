import { stat } from "node:fs/promises";
import type { AgentEvent, Logger } from "@agentwatch/models";
import type { AgentRecord } from "./agent-record.js";
import type { HookEventLike, LogReaderLike, StructuredAnalyzerLike } from "./parts.js";

/** The position key of the hooks JSONL: not an agent, but read and committed like one's log. */
export const HOOKS_INSTANCE_ID = "agentwatch-hooks";
/** The log type of the hooks JSONL's position. */
export const HOOKS_LOG_TYPE = "claude_hooks";
/** Hook events kept for agents to take (the oldest are dropped first). */
const MAX_KEPT = 5_000;

/** What the processor asks of the hook feed. */
export interface HookFeedLike {
  /**
   * The hook events about `record` after the last one it took, given its fresh events (which may
   * name its session); undefined when there are none.
   */
  since(
    record: AgentRecord,
    fresh: readonly AgentEvent[],
    after?: number,
  ): { events: AgentEvent[]; seq: number } | undefined;
}

interface Kept extends HookEventLike {
  readonly seq: number;
}

/** A session a hook call told of: where its transcript is. */
export interface HookSession {
  readonly session_id: string;
  readonly transcript_path: string | null;
  /** When its last hook call was recorded (epoch ms, from the event time when it has one). */
  readonly seen_at: number;
}

/** Options of a {@link HookFeed}. */
export interface HookFeedOptions {
  /** The hooks JSONL `agentwatch hook` appends to. */
  readonly path: string;
  readonly reader: LogReaderLike;
  readonly structured: StructuredAnalyzerLike;
  readonly logger: Logger;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}

/** The session ids, transcript paths and process ids an agent is known by. */
function keysOf(record: AgentRecord, fresh: readonly AgentEvent[]) {
  const sessions = new Set<string>();
  const join = record.info.join;
  if (typeof join?.session_id === "string") sessions.add(join.session_id);
  for (const event of fresh) if (event.session_id !== null) sessions.add(event.session_id);
  const learned = (record.eventAnalysis as { session_id?: unknown } | undefined)?.session_id;
  if (typeof learned === "string") sessions.add(learned);
  const paths = new Set<string>((record.info.streams ?? []).map((stream) => stream.path));
  if ((record.info.format ?? "terminal") !== "terminal") paths.add(record.info.log_file_path);
  return { sessions, paths, pids: new Set(join?.pids ?? []) };
}

/**
 * The Claude Code hook calls `agentwatch hook` recorded, read from the hooks JSONL each cycle like
 * any log (lossless, resumable) and handed to the agents they are about: by session id, transcript
 * path, or a process id of the agent among the hook call's parents.
 *
 * Hook calls record transitions: they are kept in memory for the agents to take (the newest
 * {@link MAX_KEPT}), and a restart forgets the ones not yet taken; the agent's transcript and
 * screen say where it is until its next hook call.
 */
export class HookFeed implements HookFeedLike {
  readonly #options: HookFeedOptions;
  readonly #kept: Kept[] = [];
  readonly #sessions = new Map<string, HookSession>();
  #seq = 0;
  #failing = false;

  constructor(options: HookFeedOptions) {
    this.#options = options;
  }

  /** The sessions hook calls told of, newest last. */
  sessions(): HookSession[] {
    return [...this.#sessions.values()];
  }

  /** Reads what was appended since the last poll (all of it, page after page) and keeps it. */
  async poll(): Promise<void> {
    const { reader, path, structured, logger } = this.#options;
    // No hook was ever recorded (hooks not installed): nothing to read, and nothing to say.
    if (!(await exists(path))) return;
    for (let pages = 0; pages < 1_000; pages++) {
      const read = await reader.read(HOOKS_INSTANCE_ID, path, HOOKS_LOG_TYPE);
      if (read.error !== null) {
        if (read.error.code !== "ENOENT" && !this.#failing) {
          logger.warn(
            { path, code: read.error.code },
            `cannot read the hooks file ${path}: ${read.error.message}; hook calls are not seen until it can be read`,
          );
        }
        this.#failing = read.error.code !== "ENOENT";
        return;
      }
      this.#failing = false;
      for (const hook of structured.parseHooks(read.lines)) this.#keep(hook);
      await read.commit();
      if (!read.hasMore) return;
    }
  }

  #keep(hook: HookEventLike): void {
    this.#kept.push({ ...hook, seq: ++this.#seq });
    if (this.#kept.length > MAX_KEPT) this.#kept.splice(0, this.#kept.length - MAX_KEPT);
    if (hook.session_id !== null) {
      this.#sessions.delete(hook.session_id); // re-inserted last: newest last
      const at = hook.event.at === null ? Number.NaN : Date.parse(hook.event.at);
      this.#sessions.set(hook.session_id, {
        session_id: hook.session_id,
        transcript_path: hook.transcript_path,
        seen_at: Number.isNaN(at) ? Date.now() : at,
      });
      if (this.#sessions.size > MAX_KEPT) {
        const oldest = this.#sessions.keys().next().value;
        if (oldest !== undefined) this.#sessions.delete(oldest);
      }
    }
  }

  since(
    record: AgentRecord,
    fresh: readonly AgentEvent[],
    after: number = record.hookSeq,
  ): { events: AgentEvent[]; seq: number } | undefined {
    if (this.#kept.length === 0 || this.#kept[this.#kept.length - 1]!.seq <= after) return;
    const { sessions, paths, pids } = keysOf(record, fresh);
    if (sessions.size === 0 && paths.size === 0 && pids.size === 0) return;
    const events: AgentEvent[] = [];
    let seq = after;
    for (const kept of this.#kept) {
      if (kept.seq <= after) continue;
      seq = kept.seq;
      const mine =
        (kept.session_id !== null && sessions.has(kept.session_id)) ||
        (kept.transcript_path !== null && paths.has(kept.transcript_path)) ||
        kept.pids.some((pid) => pids.has(pid));
      if (mine) events.push(kept.event);
    }
    return events.length > 0 ? { events, seq } : { events: [], seq };
  }
}
