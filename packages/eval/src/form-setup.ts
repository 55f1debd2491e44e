import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  type AgentSource,
  type AgentStatus,
  combineSources,
  joinSessions,
  layoutSource,
} from "@agentwatch/monitor";
import { cutBytes } from "./cuts.js";
import type { EvalCase } from "./eval-case.js";
import type { EvalForm } from "./forms.js";
import { sessionCwd } from "./session-cuts.js";
import { SESSION_PROGRAM, paneSource, sessionPath, sessionSources } from "./session-home.js";

/** A file that grows before each poll: its bytes per poll. */
export interface GrowingFile {
  readonly path: string;
  readonly pieces: readonly Buffer[];
}

/** What a form puts on disk and how the monitor finds it. */
export interface FormSetup {
  readonly source: AgentSource;
  readonly files: readonly GrowingFile[];
  /** The agent to score after a poll (null: none), noting what went other than planned. */
  readonly scored: (statuses: readonly AgentStatus[], notes: Set<string>) => string | null;
}

/** What `prepareForm` lays out. */
export interface FormInput {
  /** The run's temporary directory. */
  readonly root: string;
  /** The fake clock (epoch ms). */
  readonly clock: () => number;
  /** When the fake clock starts: the orchestrator's `created_at`. */
  readonly startMs: number;
  /** The terminal log's bytes per poll. */
  readonly pieces: readonly Buffer[];
  /** The session file's entries (none in the terminal form). */
  readonly entries: readonly Buffer[];
  /** Entries per poll; null in the terminal form. */
  readonly entryCuts: readonly number[] | null;
}

/**
 * Lays out a form's files under `root` (the orchestrator's layout, a fake home with the session
 * file, a pane's capture file) and builds the source that finds them, as the CLI would.
 *
 * @throws {CaseError} when the case's `transcript.written_as` is not a path under `~/`.
 */
export async function prepareForm(
  evalCase: EvalCase,
  form: EvalForm,
  input: FormInput,
): Promise<FormSetup> {
  const { root, clock, pieces, entries, entryCuts } = input;
  if (form === "terminal") {
    const logDir = join(root, "logs");
    const agentDir = join(logDir, "instances", evalCase.id);
    await mkdir(agentDir, { recursive: true, mode: 0o700 });
    await writeFile(
      join(agentDir, "metadata.json"),
      JSON.stringify({
        instance_name: evalCase.id,
        created_at: new Date(input.startMs).toISOString(),
        ...(evalCase.task === null ? {} : { assigned_task: evalCase.task }),
      }),
    );
    return {
      source: layoutSource(logDir),
      files: [{ path: join(agentDir, "tmux_output.log"), pieces }],
      scored: () => evalCase.id,
    };
  }
  const transcript = evalCase.transcript!;
  const home = join(root, "home");
  const path = sessionPath(home, transcript);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const session: GrowingFile = { path, pieces: cutBytes(entries, entryCuts ?? []) };
  const sessions = sessionSources(home, clock);
  if (form === "transcript") {
    return {
      source: combineSources(...sessions),
      files: [session],
      scored: (statuses, notes) => {
        const top = statuses.filter((s) => s.agent.parent_instance_id === null);
        if (top.length === 0) {
          notes.add("the session sources listed no agent for the session file");
          return null;
        }
        if (top.length > 1) notes.add(`the session sources listed ${top.length} agents`);
        return (top.find((s) => s.agent.log_file_path === path) ?? top[0])!.agent.instance_id;
      },
    };
  }
  const cwd = sessionCwd(entries);
  const program = SESSION_PROGRAM[transcript.format];
  const panePath = join(root, "panes", `${evalCase.id}.log`);
  await mkdir(dirname(panePath), { recursive: true, mode: 0o700 });
  return {
    source: joinSessions(
      // A session that records no directory (an empty file) cannot be joined: the pane is then
      // watched alone, and the session as an agent of its own, as the monitor would.
      paneSource({
        id: evalCase.id,
        logPath: panePath,
        task: evalCase.task,
        program,
        cwd: cwd ?? join(root, "cwd-unknown"),
      }),
      sessions,
    ),
    files: [{ path: panePath, pieces }, session],
    scored: (statuses, notes) => {
      const pane = statuses.find((s) => s.agent.instance_id === evalCase.id);
      if (pane === undefined) {
        notes.add("the pane was not listed");
        return null;
      }
      if (!(pane.agent.streams ?? []).some((stream) => stream.path === path))
        notes.add(
          cwd === null
            ? "the session file records no working directory: nothing to join the pane by"
            : "the session file was not joined to the pane in some poll",
        );
      return evalCase.id;
    },
  };
}
