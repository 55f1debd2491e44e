import type { ToolInput } from "@agentwatch/models";
import { parsePatch } from "./apply-patch.js";
import { emptyToolInput, genericToolInput } from "./tool-input.js";
import { ARGUMENT_CHARS, MESSAGE_CHARS, cutChars, isObject, str } from "./text.js";

const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:ba|z|da)?sh$/;

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function rawCommand(command: unknown): string | null {
  if (typeof command === "string") return command || null;
  if (!Array.isArray(command) || !command.every((a): a is string => typeof a === "string"))
    return null;
  const argv: string[] = command;
  if (argv.length === 3 && SHELLS.test(argv[0]!) && /^-l?c$/.test(argv[1]!)) return argv[2] || null;
  return argv.length > 0 ? argv.map(quote).join(" ") : null;
}

/** A command given as an argument vector, as a person would type it: `bash -lc X` is `X`. */
export function commandText(command: unknown): string | null {
  return str(rawCommand(command));
}

/** The ToolInput of a patch: its first file (with the old and new text), and all its files. */
export function patchInput(patch: string): ToolInput {
  const input = emptyToolInput();
  const files = parsePatch(patch);
  const first = files[0];
  if (!first) return input;
  input.file_path = cutChars(first.path, ARGUMENT_CHARS);
  input.old_text = first.old_text;
  input.new_text = first.new_text;
  if (files.length > 1) input.file_paths = files.map((f) => cutChars(f.path, ARGUMENT_CHARS));
  const moves = files.filter((f) => f.move_to).map((f) => `${f.path} → ${f.move_to}`);
  const kinds = files.map((f) => `${f.kind} ${f.path}`).join(", ");
  input.description = str(
    moves.length > 0 ? `${kinds}; moved ${moves.join(", ")}` : kinds,
    MESSAGE_CHARS,
  );
  return input;
}

function planSummary(args: Record<string, unknown>): string | null {
  const plan = Array.isArray(args.plan) ? args.plan.filter(isObject) : [];
  const active = plan.find((s) => s.status === "in_progress");
  const done = plan.filter((s) => s.status === "completed").length;
  const step = active && typeof active.step === "string" ? `; in progress: ${active.step}` : "";
  return plan.length > 0 ? str(`${plan.length} steps, ${done} done${step}`) : str(args.explanation);
}

/**
 * The ToolInput of a Codex function call from its name and arguments (already parsed from their
 * JSON string, or the raw string when they were not JSON): `shell` (`command` array, `workdir`),
 * `exec_command` (`cmd`), `shell_command`, `apply_patch`, `update_plan`, `view_image`; any other by
 * the common field names.
 */
export function codexToolInput(name: string, args: unknown): ToolInput {
  if (typeof args === "string") {
    if (name === "apply_patch" || args.startsWith("*** Begin Patch")) return patchInput(args);
    const input = emptyToolInput();
    input.description = str(args, MESSAGE_CHARS);
    return input;
  }
  const input = genericToolInput(args);
  if (!isObject(args)) return input;
  switch (name) {
    case "shell":
    case "container.exec":
    case "local_shell":
    case "shell_command":
    case "exec_command": {
      const raw = rawCommand(args.command) ?? rawCommand(args.cmd);
      input.command = str(raw);
      input.file_path = null;
      input.description =
        str(args.justification, MESSAGE_CHARS) ?? str(args.description, MESSAGE_CHARS);
      // An apply_patch heredoc run through the shell: the patch is in the command's text.
      const begin = raw && /^apply_patch\b/.test(raw) ? raw.indexOf("*** Begin Patch") : -1;
      if (begin >= 0) return { ...patchInput(raw!.slice(begin)), command: input.command };
      break;
    }
    case "apply_patch": {
      const patch =
        typeof args.input === "string"
          ? args.input
          : typeof args.patch === "string"
            ? args.patch
            : "";
      return patchInput(patch);
    }
    case "update_plan":
      input.description = planSummary(args);
      break;
  }
  return input;
}
