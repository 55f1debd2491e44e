import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  type AgentSource,
  agentsFileSource,
  claudeSessionsSource,
  codexSessionsSource,
  combineSources,
  globSource,
  joinSessions,
  layoutSource,
  type PaneEntry,
  parseAgentsFilePanes,
  type SessionSource,
} from "@agentwatch/monitor";
import type { MonitoringConfig } from "@agentwatch/config";
import {
  DEFAULT_AGENT_COMMANDS,
  TmuxClient,
  type TmuxPane,
  type TmuxServerOptions,
  type TmuxSource,
  paneName,
  paneTarget,
  tmuxSource,
} from "@agentwatch/tmux";
import { oneLine } from "@agentwatch/term-ui";
import type { CliIO, CommandContext } from "./context.js";
import { CliError } from "./errors.js";

/** Where agents come from, as flags say. */
export interface SourceFlags {
  readonly logs?: readonly string[] | undefined;
  readonly agents?: string | undefined;
  readonly logDir?: string | undefined;
  readonly tmux?: boolean | undefined;
  readonly tmuxSession?: readonly string[] | undefined;
  readonly tmuxPane?: readonly string[] | undefined;
  readonly tmuxAll?: boolean | undefined;
  readonly tmuxSocket?: string | undefined;
  readonly agentCommand?: readonly string[] | undefined;
  /** `--no-claude`: false; otherwise Claude Code's sessions are read when their folder exists. */
  readonly claude?: boolean | undefined;
  /** `--no-codex`: false; otherwise Codex CLI's sessions are read when their folder exists. */
  readonly codex?: boolean | undefined;
  /** `--session-idle`: minutes a session file may go unwritten and still be an agent. */
  readonly sessionIdle?: number | undefined;
}

/** Where Claude Code and Codex CLI keep their sessions, for this user. */
export interface SessionDirs {
  /** Claude Code's configuration folders that have a `projects/` (`$CLAUDE_CONFIG_DIR` or `~/.claude`). */
  readonly claude: readonly string[];
  /** Codex CLI's home when it has a `sessions/` (`$CODEX_HOME` or `~/.codex`), else null. */
  readonly codex: string | null;
}

/**
 * The session folders the flags allow and that exist: Claude Code's (`$CLAUDE_CONFIG_DIR`, which
 * may list several folders separated by commas, else `~/.claude`) and Codex CLI's
 * (`$CODEX_HOME`, else `~/.codex`).
 */
export async function sessionDirs(flags: SourceFlags, io: CliIO): Promise<SessionDirs> {
  const home = io.env.HOME;
  const claudeDirs: string[] = [];
  if (flags.claude !== false) {
    const listed = (io.env.CLAUDE_CONFIG_DIR ?? "")
      .split(",")
      .map((dir) => dir.trim())
      .filter((dir) => dir !== "");
    const candidates =
      listed.length > 0
        ? listed.map((dir) => userPath(dir, io))
        : home !== undefined && home !== ""
          ? [join(home, ".claude")]
          : [];
    for (const dir of candidates) {
      if (await isDirectory(join(dir, "projects"))) claudeDirs.push(dir);
    }
  }
  let codex: string | null = null;
  if (flags.codex !== false) {
    const codexHome =
      io.env.CODEX_HOME !== undefined && io.env.CODEX_HOME !== ""
        ? userPath(io.env.CODEX_HOME, io)
        : home !== undefined && home !== ""
          ? join(home, ".codex")
          : null;
    if (codexHome !== null && (await isDirectory(join(codexHome, "sessions")))) codex = codexHome;
  }
  return { claude: claudeDirs, codex };
}

function hasSessions(dirs: SessionDirs | undefined): boolean {
  return dirs !== undefined && (dirs.claude.length > 0 || dirs.codex !== null);
}

/** The tmux server the flags name. */
export function tmuxServer(flags: SourceFlags, env: CliIO["env"]): TmuxServerOptions {
  const socket = flags.tmuxSocket;
  const named =
    socket === undefined
      ? {}
      : socket.includes("/")
        ? { socketPath: socket }
        : { socketName: socket };
  return { ...named, env: { ...env } };
}

/** Whether the flags ask for the tmux source. */
function wantsTmux(flags: SourceFlags): boolean {
  return (
    flags.tmux === true ||
    flags.tmuxAll === true ||
    (flags.tmuxSession ?? []).length > 0 ||
    (flags.tmuxPane ?? []).length > 0
  );
}

/** Whether any flag names a source. */
function namesSource(flags: SourceFlags): boolean {
  return (
    wantsTmux(flags) ||
    (flags.logs ?? []).length > 0 ||
    flags.agents !== undefined ||
    flags.logDir !== undefined
  );
}

/** Where the agents come from, as decided from the flags and what is there. */
export interface SourcePlan {
  readonly source: AgentSource;
  /** The tmux source, when it is one of them (to detach its pipes at the end). */
  readonly tmux: TmuxSource | undefined;
  /** Whether the only source is the original orchestrator's layout (which keeps the seed's dirs). */
  readonly layoutOnly: boolean;
  /** The flags with the default made explicit (`tmux: true` when tmux was chosen by default). */
  readonly flags: SourceFlags;
  /** The Claude Code and Codex session folders to read. */
  readonly sessions: SessionDirs;
}

/**
 * Decides where agents come from. With no source flag: the orchestrator's layout under `log_dir`
 * when its `instances/` exists, else the tmux panes when a tmux server runs, else the layout (to
 * say where it looked). Call {@link withOwnDirs} with the result before building the source.
 */
export async function planSources(
  flags: SourceFlags,
  context: CommandContext,
): Promise<Omit<SourcePlan, "source" | "tmux">> {
  const sessions = await sessionDirs(flags, context.io);
  if (namesSource(flags)) {
    const layoutOnly =
      flags.logDir !== undefined &&
      !wantsTmux(flags) &&
      (flags.logs ?? []).length === 0 &&
      flags.agents === undefined &&
      !hasSessions(sessions);
    return { layoutOnly, flags, sessions };
  }
  const layout = join(userPath(context.config.log_dir, context.io), "instances");
  if (!(await isDirectory(layout))) {
    if (await tmuxRuns(flags, context.io.env)) {
      return { layoutOnly: false, flags: { ...flags, tmux: true }, sessions };
    }
    if (hasSessions(sessions)) return { layoutOnly: false, flags, sessions };
  }
  return { layoutOnly: !hasSessions(sessions), flags, sessions };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function tmuxRuns(flags: SourceFlags, env: CliIO["env"]): Promise<boolean> {
  try {
    await new TmuxClient(tmuxServer(flags, env)).run("list-sessions");
    return true;
  } catch {
    return false;
  }
}

/** The agent source the (planned) flags describe. */
export function buildSource(
  flags: SourceFlags,
  context: CommandContext,
  dirs?: SessionDirs,
): { source: AgentSource; tmux: TmuxSource | undefined } {
  const config = context.config;
  const sources: AgentSource[] = [];
  let tmux: TmuxSource | undefined;
  const idle = { sessionIdleMs: (flags.sessionIdle ?? 30) * 60_000 };
  const sessions: SessionSource[] = [];
  if (dirs !== undefined && dirs.claude.length > 0) {
    sessions.push(claudeSessionsSource(dirs.claude, idle));
  }
  if (dirs?.codex != null) sessions.push(codexSessionsSource(dirs.codex, idle));
  if (wantsTmux(flags)) {
    tmux = tmuxSource({
      server: tmuxServer(flags, context.io.env),
      captureDir: join(config.state_dir, "tmux"),
      agentCommands:
        (flags.agentCommand ?? []).length > 0
          ? [...DEFAULT_AGENT_COMMANDS, ...(flags.agentCommand ?? [])]
          : undefined,
      sessions: flags.tmuxSession,
      panes: flags.tmuxPane,
      all: flags.tmuxAll,
      describe:
        flags.agents === undefined
          ? undefined
          : paneDescriptions(userPath(flags.agents, context.io)),
      logger: context.logger,
    });
    // a pane and its agent's session file are one agent
    sources.push(sessions.length > 0 ? joinSessions(tmux, sessions) : tmux);
  } else {
    sources.push(...sessions);
  }
  const paths = sourcePaths(context.io);
  for (const pattern of flags.logs ?? []) sources.push(globSource(pattern, paths));
  if (flags.agents !== undefined) sources.push(agentsFileSource(flags.agents, paths));
  if (flags.logDir !== undefined || sources.length === 0) {
    sources.push(layoutSource(flags.logDir ?? config.log_dir, paths));
  }
  return { source: sources.length === 1 ? sources[0]! : combineSources(...sources), tmux };
}

/**
 * The tmux panes an agents file describes (entries with `tmux_pane`: a pane id, target or name),
 * read again when the file changes; a file that cannot be read describes nothing (the agents-file
 * source reports it).
 */
function paneDescriptions(file: string): (pane: TmuxPane) => Promise<PaneEntry | undefined> {
  let version = "";
  let entries: PaneEntry[] = [];
  return async (pane) => {
    try {
      const info = await stat(file);
      const current = `${info.mtimeMs}:${info.size}:${info.ino}`;
      if (current !== version) {
        entries = parseAgentsFilePanes(await readFile(file, "utf8"));
        version = current;
      }
    } catch {
      entries = [];
      version = "";
    }
    const names = [pane.paneId, paneTarget(pane), paneName(pane)];
    return entries.find((entry) => names.includes(entry.tmux_pane));
  };
}

/**
 * What `~` and relative paths in flags and the agents file mean: the directory the user ran the
 * command in (also through `pnpm agentwatch`, which runs there) and their home.
 */
export function sourcePaths(io: CliIO): { cwd: string; home?: string } {
  const home = io.env.HOME;
  return { cwd: io.cwd ?? process.cwd(), ...(home !== undefined && home !== "" ? { home } : {}) };
}

/** `path` with `~` and relative parts resolved as {@link sourcePaths} says. */
export function userPath(path: string, io: CliIO): string {
  const { cwd, home } = sourcePaths(io);
  if (home !== undefined && (path === "~" || path.startsWith("~/"))) {
    return join(home, path.slice(1));
  }
  return resolve(cwd, path);
}

/** Where agentwatch looks for agents, as a person reads it: for "found nothing in …". */
export function describeWhere(
  flags: SourceFlags,
  config: MonitoringConfig,
  io: CliIO,
  dirs?: SessionDirs,
): string {
  const places: string[] = [];
  for (const dir of dirs?.claude ?? []) {
    places.push(
      `Claude Code sessions in ${join(dir, "projects")} written in the last ${flags.sessionIdle ?? 30} min`,
    );
  }
  if (dirs?.codex != null) {
    places.push(
      `Codex sessions in ${join(dirs.codex, "sessions")} written in the last ${flags.sessionIdle ?? 30} min`,
    );
  }
  if (wantsTmux(flags)) {
    places.push(
      `the panes of the tmux server${flags.tmuxSocket === undefined ? "" : ` ${flags.tmuxSocket}`} that run ${[...DEFAULT_AGENT_COMMANDS, ...(flags.agentCommand ?? [])].join(", ")}`,
    );
  }
  for (const pattern of flags.logs ?? []) places.push(`logs matching ${pattern}`);
  if (flags.agents !== undefined) places.push(`the agents listed in ${userPath(flags.agents, io)}`);
  if (flags.logDir !== undefined || places.length === 0) {
    const dir = userPath(flags.logDir ?? config.log_dir, io);
    places.push(join(dir, "instances", "*", "tmux_output.log"));
  }
  return oneLine(places.join(", "));
}

async function kindOf(path: string): Promise<"missing" | "file" | "directory" | "other"> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? "directory" : info.isFile() ? "file" : "other";
  } catch {
    return "missing";
  }
}

/**
 * Checks the places the flags name before anything runs: an `--agents` file that does not exist,
 * or a log directory (named with `--log-dir`, or the default one with `once`) that does not exist
 * or is not a directory, is a mistake to report at once (exit 1), not an empty table.
 *
 * @throws {CliError} naming the path and what to do.
 */
export async function checkSources(
  flags: SourceFlags,
  config: MonitoringConfig,
  options: { once: boolean; io: CliIO },
): Promise<void> {
  const { io } = options;
  if (flags.agents !== undefined) {
    const kind = await kindOf(userPath(flags.agents, io));
    if (kind !== "file") {
      throw new CliError(
        `cannot read the agents file ${userPath(flags.agents, io)}: ${kind === "missing" ? "it does not exist" : "it is not a file"}; check the --agents path`,
      );
    }
  }
  const named = flags.logDir !== undefined;
  const usesLayout = named || !namesSource(flags);
  if (!usesLayout || (!named && !options.once)) return;
  const dir = userPath(flags.logDir ?? config.log_dir, io);
  const kind = await kindOf(dir);
  if (kind === "directory") return;
  if (kind === "missing" && named && !options.once) return; // it may appear: the view says so
  throw new CliError(
    `cannot watch ${dir}: ${kind === "missing" ? "it does not exist" : "it is not a directory"}; ` +
      `pass the orchestrator's log directory with --log-dir, or say where agents' logs are with --logs or --agents`,
  );
}
