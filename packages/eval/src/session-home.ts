import { join } from "node:path";
import type { Clock } from "@agentwatch/models";
import {
  type AgentSource,
  type SessionSource,
  bareAgent,
  claudeSessionsSource,
  codexSessionsSource,
} from "@agentwatch/monitor";
import { CaseError } from "./errors.js";
import type { TranscriptForm } from "./eval-case.js";

/** The program that writes each transcript format, as a pane's process tree names it. */
export const SESSION_PROGRAM: Readonly<Record<TranscriptForm["format"], string>> = {
  "claude-transcript": "claude",
  "codex-rollout": "codex",
};

/**
 * Where a case's session file goes in a fake home: its `written_as` (`~/.claude/projects/…`,
 * `~/.codex/sessions/…`) with `~` the home.
 *
 * @throws {CaseError} when `written_as` is not a path under `~/` or climbs out of it.
 */
export function sessionPath(home: string, form: TranscriptForm): string {
  const parts = form.written_as.split("/");
  if (parts[0] !== "~" || parts.length < 2 || parts.includes(".."))
    throw new CaseError(
      `transcript.written_as ${form.written_as}: expected a path under ~/ without ".."; fix the case's case.json`,
    );
  return join(home, ...parts.slice(1));
}

/**
 * The session sources the CLI builds for a home: Claude Code transcripts under `~/.claude` and
 * Codex rollouts under `~/.codex`, listing sessions written within the default idle time of the
 * fake clock.
 */
export function sessionSources(home: string, clock: Clock): SessionSource[] {
  return [
    claudeSessionsSource([join(home, ".claude")], { clock }),
    codexSessionsSource(join(home, ".codex"), { clock }),
  ];
}

/** What a pane running an agent is known by: its log, and the program and directory it runs in. */
export interface PaneOptions {
  readonly id: string;
  readonly logPath: string;
  readonly task: string | null;
  readonly program: string;
  readonly cwd: string;
}

/**
 * One tmux pane as the tmux source lists it: its capture file as the log, the agent program its
 * process tree runs and that program's working directory as the keys `joinSessions` joins by.
 * The task is given as the orchestrator's metadata gives it to the terminal form.
 */
export function paneSource(pane: PaneOptions): AgentSource {
  return {
    name: `eval-pane:${pane.id}`,
    list: () =>
      Promise.resolve([
        {
          ...bareAgent(pane.id, pane.logPath),
          role: pane.program,
          assigned_task: pane.task,
          join: { cwd: pane.cwd, program: pane.program },
        },
      ]),
  };
}
