import { open, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { type Clock, systemClock } from "@agentwatch/models";
import type { AgentInfo, AgentSource, LogFormat } from "../agent-source.js";
import { InvalidOptionError } from "../errors.js";

/** How long a session file may go unwritten and still be an agent, by default: 30 minutes. */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60 * 1000;
/** Bytes read from the start of a session file to learn its working directory. */
const PEEK_BYTES = 64 * 1024;
/** Session files peeked at whose answers are kept. */
const MAX_PEEKED = 10_000;
/** Rollout folders of days further back than this are not scanned. */
const OLDEST_ROLLOUT_DAY_MS = 8 * 24 * 60 * 60 * 1000;

/** Options of {@link claudeSessionsSource} and {@link codexSessionsSource}. */
export interface SessionSourceOptions {
  /**
   * A session whose file was not written for this long is no longer listed (unless a pane it runs
   * in keeps it: see {@link joinSessions}); 30 minutes by default.
   */
  readonly sessionIdleMs?: number | undefined;
  /** Epoch milliseconds; `Date.now` by default. */
  readonly clock?: Clock | undefined;
}

/** A session file found on disk. */
interface Found {
  readonly path: string;
  readonly mtimeMs: number;
  /** The session it belongs to, and for a sub-agent, its own id. */
  readonly session: string;
  readonly subagent: string | null;
}

/** What the start of a session file says. */
interface Peeked {
  readonly cwd: string | null;
  readonly sessionId: string | null;
}

/** The files in `dir` (names), or none when it cannot be listed. */
async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function mtimeOf(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.mtimeMs : null;
  } catch {
    return null;
  }
}

/** The first complete lines of a file, as JSON objects (lines that are not are skipped). */
async function firstObjects(path: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(PEEK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0);
      text = buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
  const objects: Record<string, unknown>[] = [];
  const lines = text.split("\n");
  lines.pop(); // the last one may be cut
  for (const line of lines) {
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === "object")
        objects.push(value as Record<string, unknown>);
    } catch {
      // not a line this peek can use: the parser counts it when it reads the file
    }
  }
  return objects;
}

const str = (value: unknown): string | null =>
  typeof value === "string" && value !== "" ? value : null;

async function peekClaude(path: string): Promise<Peeked> {
  for (const entry of await firstObjects(path)) {
    const cwd = str(entry.cwd);
    if (cwd !== null) return { cwd, sessionId: str(entry.sessionId) };
  }
  return { cwd: null, sessionId: null };
}

async function peekCodex(path: string): Promise<Peeked> {
  for (const entry of await firstObjects(path)) {
    // `{type: "session_meta", payload: {id, cwd}}`; older rollouts have the fields at the top
    const payload = (entry.type === "session_meta" ? entry.payload : entry) as
      Record<string, unknown> | undefined;
    const cwd = str(payload?.cwd);
    if (cwd !== null) return { cwd, sessionId: str(payload?.id) };
  }
  return { cwd: null, sessionId: null };
}

/** A short, stable, valid instance id part from a session id (a UUID, usually). */
function idPart(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^-+/, "");
  return cleaned.slice(0, 64) || "session";
}

function checkIdle(options: SessionSourceOptions, what: string): number {
  const idle = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  if (!Number.isFinite(idle) || idle <= 0) {
    throw new InvalidOptionError(
      `invalid ${what} sessionIdleMs: expected a positive number of milliseconds (got ${String(idle)})`,
      "sessionIdleMs",
    );
  }
  return idle;
}

/** A source of session files, with what joining them to panes needs. */
export interface SessionSource extends AgentSource {
  /** Which program writes them: `claude` or `codex`. */
  readonly program: string;
  /**
   * The newest session of this program whose working directory is `cwd`, however long ago it was
   * written, among the files found in the last listing; undefined when there is none.
   */
  latestFor(cwd: string): AgentInfo | undefined;
}

interface SessionKind {
  readonly program: string;
  readonly format: LogFormat;
  readonly logType: string;
  find(): Promise<Found[]>;
  peek(path: string): Promise<Peeked>;
}

function sessionSource(
  name: string,
  kind: SessionKind,
  options: SessionSourceOptions,
): SessionSource {
  const idleMs = checkIdle(options, name);
  const clock = options.clock ?? systemClock;
  const peeked = new Map<string, Peeked>();
  let all: AgentInfo[] = [];

  async function describe(found: Found): Promise<AgentInfo> {
    let known = peeked.get(found.path);
    if (known === undefined || known.cwd === null) {
      known = await kind.peek(found.path);
      if (peeked.size >= MAX_PEEKED) peeked.clear();
      peeked.set(found.path, known);
    }
    const session = known.sessionId ?? found.session;
    const where = known.cwd === null ? "" : ` ${basename(known.cwd)}`;
    const parent = `${kind.program}-${idPart(session)}`;
    const id = found.subagent === null ? parent : `${parent}-${idPart(found.subagent)}`;
    return {
      instance_id: id,
      instance_name: `${kind.program}${where} ${session.slice(0, 8)}${found.subagent === null ? "" : ` ${found.subagent}`}`,
      role: found.subagent === null ? kind.program : `${kind.program} sub-agent`,
      assigned_task: null,
      parent_instance_id: found.subagent === null ? null : parent,
      created_at: null,
      log_file_path: found.path,
      log_type: kind.logType,
      format: kind.format,
      join: {
        session_id: session,
        cwd: known.cwd,
        program: kind.program,
        written_at: found.mtimeMs,
      },
    };
  }

  return {
    name,
    program: kind.program,
    async list() {
      const found = await kind.find();
      const live = new Set(found.map((item) => item.path));
      for (const path of peeked.keys()) if (!live.has(path)) peeked.delete(path);
      all = await Promise.all(found.map(describe));
      const since = clock() - idleMs;
      return all.filter((agent) => (agent.join?.written_at ?? 0) >= since);
    },
    latestFor(cwd) {
      let best: AgentInfo | undefined;
      for (const agent of all) {
        if (agent.join?.cwd !== cwd || agent.parent_instance_id !== null) continue;
        if (best === undefined || (agent.join.written_at ?? 0) > (best.join?.written_at ?? 0)) {
          best = agent;
        }
      }
      return best;
    },
  };
}

/**
 * Claude Code sessions: every transcript `<dir>/projects/<project>/<session>.jsonl` (and a
 * session's sub-agents, `<session>/subagents/*.jsonl`) written in the last `sessionIdleMs` is an
 * agent, for each of `dirs` (`~/.claude`, and the directories `$CLAUDE_CONFIG_DIR` lists). Its
 * instance id is `claude-<session id>` (a sub-agent's adds its own), its name says the project's
 * directory, and its log is the transcript itself (`format: "claude_transcript"`).
 *
 * @throws {InvalidOptionError} when `sessionIdleMs` is not a positive number.
 * @example
 * const source = claudeSessionsSource([join(homedir(), ".claude")]);
 */
export function claudeSessionsSource(
  dirs: readonly string[],
  options: SessionSourceOptions = {},
): SessionSource {
  return sessionSource(
    `claude:${dirs.join(",")}`,
    {
      program: "claude",
      format: "claude_transcript",
      logType: "claude_transcript",
      async find() {
        const found: Found[] = [];
        for (const dir of dirs) {
          const projects = join(dir, "projects");
          for (const project of await entries(projects)) {
            const projectDir = join(projects, project);
            for (const name of await entries(projectDir)) {
              const path = join(projectDir, name);
              if (name.endsWith(".jsonl")) {
                const mtimeMs = await mtimeOf(path);
                if (mtimeMs !== null) {
                  found.push({ path, mtimeMs, session: name.slice(0, -6), subagent: null });
                }
                continue;
              }
              const subagents = join(path, "subagents");
              for (const sub of await entries(subagents)) {
                if (!sub.endsWith(".jsonl")) continue;
                const subPath = join(subagents, sub);
                const mtimeMs = await mtimeOf(subPath);
                if (mtimeMs !== null) {
                  found.push({ path: subPath, mtimeMs, session: name, subagent: sub.slice(0, -6) });
                }
              }
            }
          }
        }
        return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
      peek: peekClaude,
    },
    options,
  );
}

/** The session id in a rollout's file name: `rollout-2026-12-06T10-00-00-<uuid>.jsonl`. */
function rolloutSession(name: string): string {
  const match = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i.exec(
    name,
  );
  return match?.[1] ?? name.replace(/^rollout-/, "").replace(/\.jsonl$/, "");
}

/**
 * Codex CLI sessions: every rollout `<home>/sessions/YYYY/MM/DD/rollout-*.jsonl` written in the
 * last `sessionIdleMs` is an agent (`home` is `$CODEX_HOME`, else `~/.codex`). Its instance id is
 * `codex-<session id>` and its log is the rollout itself (`format: "codex_rollout"`). Rollouts are
 * filed under the day their session began; folders more than a week old are not scanned.
 *
 * @throws {InvalidOptionError} when `sessionIdleMs` is not a positive number.
 * @example
 * const source = codexSessionsSource(join(homedir(), ".codex"));
 */
export function codexSessionsSource(
  home: string,
  options: SessionSourceOptions = {},
): SessionSource {
  const clock = options.clock ?? systemClock;
  return sessionSource(
    `codex:${home}`,
    {
      program: "codex",
      format: "codex_rollout",
      logType: "codex_rollout",
      async find() {
        const found: Found[] = [];
        const sessions = join(home, "sessions");
        for (const year of await entries(sessions)) {
          for (const month of await entries(join(sessions, year))) {
            for (const day of await entries(join(sessions, year, month))) {
              // A rollout lives in the folder of the day its session began: older days are not
              // looked into (a session open for more than a week is not followed).
              const began = Date.UTC(Number(year), Number(month) - 1, Number(day));
              if (began < clock() - OLDEST_ROLLOUT_DAY_MS) continue;
              const dir = join(sessions, year, month, day);
              for (const name of await entries(dir)) {
                if (!name.startsWith("rollout-") || !name.endsWith(".jsonl")) continue;
                const path = join(dir, name);
                const mtimeMs = await mtimeOf(path);
                if (mtimeMs !== null) {
                  found.push({ path, mtimeMs, session: rolloutSession(name), subagent: null });
                }
              }
            }
          }
        }
        return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
      peek: peekCodex,
    },
    options,
  );
}
