/** One pane of a tmux server, as `list-panes -a` describes it. */
export interface TmuxPane {
  /** `%12`: unique within the server for its lifetime. */
  readonly paneId: string;
  readonly session: string;
  readonly windowIndex: number;
  readonly paneIndex: number;
  /** The pid of the process the pane started (usually a shell). */
  readonly pid: number;
  /** Whether a `pipe-pane` is attached. */
  readonly piped: boolean;
  /** Whether the pane's process has exited (the pane is kept by `remain-on-exit`). */
  readonly dead: boolean;
  /** The tmux server's pid. */
  readonly serverPid: number;
  /** When the server started, epoch seconds. */
  readonly serverStart: number;
  /** The foreground command, as tmux sees it. */
  readonly currentCommand: string;
  readonly currentPath: string;
  /** The pane's title; tmux's default is the host name. */
  readonly title: string;
  /** The host's short name (the default title). */
  readonly host: string;
}

const FIELDS = [
  "pane_id",
  "session_name",
  "window_index",
  "pane_index",
  "pane_pid",
  "pane_pipe",
  "pane_dead",
  "pid",
  "start_time",
  "pane_current_command",
  "pane_current_path",
  "host_short",
  "pane_title", // last: a title may hold anything
] as const;

/**
 * Between two fields: printable, since tmux writes a tab or any control character in `-F` output
 * as `_` when it runs without a UTF-8 locale (a service, a cron job, `env -i`).
 */
const SEPARATOR = "<;:;>";

/** The `-F` format that {@link parsePanes} reads. */
export const PANE_FORMAT = FIELDS.map((field) => `#{${field}}`).join(SEPARATOR);

/** The panes in `list-panes -a -F PANE_FORMAT` output; lines it cannot read are skipped. */
export function parsePanes(output: string): TmuxPane[] {
  const panes: TmuxPane[] = [];
  for (const line of output.split("\n")) {
    if (line === "") continue;
    const parts = line.split(SEPARATOR);
    if (parts.length < FIELDS.length) continue;
    const title = parts.slice(FIELDS.length - 1).join(SEPARATOR);
    const [id, session, window, pane, pid, pipe, dead, serverPid, start, command, path, host] =
      parts;
    if (!/^%\d+$/.test(id!)) continue;
    panes.push({
      paneId: id!,
      session: session!,
      windowIndex: Number(window),
      paneIndex: Number(pane),
      pid: Number(pid),
      piped: pipe === "1",
      dead: dead === "1",
      serverPid: Number(serverPid),
      serverStart: Number(start),
      currentCommand: command!,
      currentPath: path!,
      host: host!,
      title,
    });
  }
  return panes;
}

/** `session:window.pane`, as tmux targets are written. */
export function paneTarget(pane: TmuxPane): string {
  return `${pane.session}:${pane.windowIndex}.${pane.paneIndex}`;
}

/** The name to show for a pane: its title when someone set one, else `session:window.pane`. */
export function paneName(pane: TmuxPane): string {
  const title = pane.title.trim();
  return title !== "" && title !== pane.host ? title : paneTarget(pane);
}
