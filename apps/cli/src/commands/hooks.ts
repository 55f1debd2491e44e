import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { oneLine } from "@agentwatch/term-ui";
import { type Command, Option } from "commander";
import {
  HOOK_SPECS,
  type InstalledHook,
  addAgentwatchHooks,
  findAgentwatchHooks,
  hookCommandStateDir,
  removeAgentwatchHooks,
} from "../claude-settings.js";
import {
  type CliIO,
  type CommandContext,
  type GlobalFlags,
  commandContext,
  print,
} from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { hooksFilePath } from "../hook-record.js";
import { selfCommand, shellQuote } from "../self-command.js";
import {
  type SettingsScope,
  readSettingsFile,
  settingsPath,
  writeSettingsFile,
} from "../settings-file.js";
import { userPath } from "../sources.js";
import { ownDirs, stateHome, withOwnDirs } from "../state-home.js";
import { HOOK_ERROR_LOG_NAME, hookMain } from "./hook.js";

/** The flags that choose a settings file. */
interface ScopeFlags {
  readonly user?: boolean;
  readonly project?: string;
  readonly local?: boolean;
}

function scopeOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--user",
        "Claude Code's user settings: $CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json (the default)",
      ).conflicts("project"),
    )
    .option("--project <dir>", "the project's settings: <dir>/.claude/settings.json")
    .option("--local", "with --project: <dir>/.claude/settings.local.json (not committed)");
}

function scopeOf(flags: ScopeFlags, io: CliIO): SettingsScope {
  if (flags.local === true && flags.project === undefined) {
    throw new CliError(
      "--local takes --project DIR: Claude Code has local settings per project only",
      ExitCode.USAGE,
    );
  }
  return flags.project === undefined
    ? { kind: "user" }
    : { kind: "project", dir: userPath(flags.project, io), local: flags.local === true };
}

function describeScope(scope: SettingsScope): string {
  return scope.kind === "user" ? "user" : scope.local ? "project, local" : "project";
}

/**
 * The state directory `agentwatch watch` would use (its own sources' default, or what --state-dir,
 * AGENTWATCH_STATE_DIR or a config file chose), and whether it is that default.
 */
function stateDirOf(context: CommandContext): { stateDir: string; isDefault: boolean } {
  const stateDir = withOwnDirs(context).config.state_dir;
  const home = stateHome(context.io.env);
  return { stateDir, isDefault: home !== undefined && ownDirs(home).state_dir === stateDir };
}

/** The command the hooks run: this agentwatch, `hook`, and --state-dir unless it is the default. */
async function hookCommand(context: CommandContext): Promise<string> {
  const { stateDir, isDefault } = stateDirOf(context);
  const self = await selfCommand(context.io);
  return `${self} hook${isDefault ? "" : ` --state-dir ${shellQuote(stateDir)}`}`;
}

async function projectDirExists(scope: SettingsScope): Promise<void> {
  if (scope.kind !== "project") return;
  const info = await stat(scope.dir).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new CliError(
      `cannot use ${scope.dir} as the project: it is not a directory; give --project the project's directory`,
      ExitCode.FAILURE,
    );
  }
}

/** `agentwatch hooks install`: adds agentwatch's entries to a Claude Code settings file. */
async function installCommand(context: CommandContext, scope: SettingsScope): Promise<void> {
  await projectDirExists(scope);
  const path = userPath(settingsPath(scope, context.io.env), context.io);
  const command = await hookCommand(context);
  const file = await readSettingsFile(path);
  const change = addAgentwatchHooks(file.text, path, command);
  const { stateDir } = stateDirOf(context);
  if (change.added.length === 0 && change.updated.length === 0) {
    print(
      context,
      oneLine(`agentwatch's Claude Code hooks are already in ${path}; nothing changed`),
    );
    return;
  }
  const backup = await writeSettingsFile(file, change.text, {
    dirMode: scope.kind === "user" ? 0o700 : 0o755,
    fileMode: scope.kind === "user" ? 0o600 : 0o644,
  });
  const lines = [
    `installed agentwatch's Claude Code hooks in ${path}${backup === undefined ? "" : ` (the previous file is in ${backup})`}`,
    ...(change.added.length > 0 ? [`\tadded: ${change.added.join(", ")}`] : []),
    ...(change.updated.length > 0 ? [`\tupdated: ${change.updated.join(", ")}`] : []),
    `\tthey run: ${command}`,
    `\tevents go to ${hooksFilePath(stateDir)}`,
    "Claude Code sessions started from now on use them; a running session picks them up once you open /hooks in it.",
  ];
  // Details are indented under the first line.
  for (const line of lines) {
    print(context, line.startsWith("\t") ? `  ${oneLine(line.slice(1))}` : oneLine(line));
  }
}

/** `agentwatch hooks uninstall`: removes what install added, and nothing else. */
async function uninstallCommand(context: CommandContext, scope: SettingsScope): Promise<void> {
  const path = userPath(settingsPath(scope, context.io.env), context.io);
  const file = await readSettingsFile(path);
  if (file.text === undefined) {
    print(context, oneLine(`${path} does not exist; nothing to remove`));
    return;
  }
  const change = removeAgentwatchHooks(file.text, path);
  if (change.removed.length === 0) {
    print(context, oneLine(`${path} has no agentwatch hooks; nothing changed`));
    return;
  }
  const backup = await writeSettingsFile(file, change.text, { dirMode: 0o700, fileMode: 0o600 });
  print(
    context,
    oneLine(
      `removed agentwatch's Claude Code hooks from ${path} (${change.removed.join(", ")}); the previous file is in ${backup}`,
    ),
  );
}

/** The last line of the hooks JSONL: when it was received and which event it was. */
async function lastRecord(
  file: string,
): Promise<{ received_at?: string; event?: string; size: number } | undefined> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 512 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString("utf8").split("\n");
    lines.pop(); // after the last newline: empty, or a line still being written
    for (const line of lines.reverse()) {
      try {
        const record = JSON.parse(line) as {
          received_at?: unknown;
          payload?: { hook_event_name?: unknown; notification_type?: unknown } | null;
        };
        const name = record.payload?.hook_event_name;
        const type = record.payload?.notification_type;
        return {
          size,
          ...(typeof record.received_at === "string" ? { received_at: record.received_at } : {}),
          ...(typeof name === "string"
            ? { event: typeof type === "string" ? `${name} (${type})` : name }
            : {}),
        };
      } catch {
        continue;
      }
    }
    return { size };
  } finally {
    await handle.close();
  }
}

function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 120) return ` (${seconds} s ago)`;
  if (seconds < 7200) return ` (${Math.round(seconds / 60)} min ago)`;
  if (seconds < 172_800) return ` (${Math.round(seconds / 3600)} h ago)`;
  return ` (${Math.round(seconds / 86_400)} days ago)`;
}

interface SettingsStatus {
  readonly path: string;
  readonly scope: string;
  readonly exists: boolean;
  readonly hooks?: InstalledHook[];
  readonly error?: string;
}

/** `agentwatch hooks status`: what is installed where, and whether events arrive. */
async function statusCommand(
  context: CommandContext,
  flags: ScopeFlags & { json: boolean },
): Promise<void> {
  const scopes: SettingsScope[] =
    flags.project !== undefined
      ? flags.local === true
        ? [scopeOf(flags, context.io)]
        : [
            { kind: "project", dir: userPath(flags.project, context.io), local: false },
            { kind: "project", dir: userPath(flags.project, context.io), local: true },
          ]
      : flags.user === true
        ? [{ kind: "user" }]
        : [
            { kind: "user" },
            { kind: "project", dir: context.io.cwd ?? process.cwd(), local: false },
            { kind: "project", dir: context.io.cwd ?? process.cwd(), local: true },
          ];
  scopeOf(flags, context.io); // refuses --local without --project
  const settings: SettingsStatus[] = [];
  const seen = new Set<string>();
  for (const scope of scopes) {
    const path = userPath(settingsPath(scope, context.io.env), context.io);
    if (seen.has(path)) continue; // run in the home directory: the user's file is the project's
    seen.add(path);
    try {
      const file = await readSettingsFile(path);
      settings.push({
        path,
        scope: describeScope(scope),
        exists: file.text !== undefined,
        ...(file.text === undefined ? {} : { hooks: findAgentwatchHooks(file.text, path) }),
      });
    } catch (error) {
      settings.push({
        path,
        scope: describeScope(scope),
        exists: true,
        error: (error as Error).message,
      });
    }
  }
  // Where the installed hooks write: each command's --state-dir, or the default.
  const { stateDir } = stateDirOf(context);
  const home = stateHome(context.io.env);
  const defaultDir = home === undefined ? undefined : ownDirs(home).state_dir;
  const dirs = new Set<string>();
  for (const entry of settings) {
    for (const hook of entry.hooks ?? []) {
      for (const command of hook.commands) {
        const dir = hookCommandStateDir(command) ?? defaultDir;
        if (dir !== undefined) dirs.add(dir);
      }
    }
  }
  if (dirs.size === 0) dirs.add(stateDir);
  const events = [];
  for (const dir of dirs) {
    const file = hooksFilePath(dir);
    events.push({ state_dir: dir, file, last: await lastRecord(file) });
  }
  const errorLog = home === undefined ? undefined : join(home, HOOK_ERROR_LOG_NAME);
  const lastError = errorLog === undefined ? undefined : await lastLine(errorLog);

  if (flags.json) {
    print(
      context,
      JSON.stringify(
        {
          settings,
          events: events.map(({ state_dir, file, last }) => ({
            state_dir,
            file,
            exists: last !== undefined,
            last_received_at: last?.received_at ?? null,
            last_event: last?.event ?? null,
          })),
          error_log: errorLog ?? null,
          last_error: lastError ?? null,
        },
        null,
        2,
      ),
    );
    return;
  }
  const now = Date.now();
  for (const entry of settings) {
    const head = `${entry.path} (${entry.scope})`;
    if (entry.error !== undefined) {
      print(context, oneLine(`${head}: ${entry.error}`));
      continue;
    }
    if (!entry.exists) {
      print(context, oneLine(`${head}: no such file`));
      continue;
    }
    const hooks = entry.hooks ?? [];
    const installed = hooks.filter((hook) => hook.installed).length;
    const state =
      installed === HOOK_SPECS.length
        ? "installed"
        : installed === 0 && hooks.every((hook) => hook.commands.length === 0)
          ? "not installed"
          : `partly installed (${installed} of ${HOOK_SPECS.length} events)`;
    print(context, oneLine(`${head}: ${state}`));
    if (state === "not installed") continue;
    const width = Math.max(...hooks.map((hook) => label(hook).length));
    for (const hook of hooks) {
      const what =
        hook.commands.length === 0
          ? "missing"
          : hook.otherMatcher !== undefined
            ? `${hook.commands.join(" | ")} (matcher "${hook.otherMatcher}")`
            : hook.commands.join(" | ");
      print(context, `  ${label(hook).padEnd(width)}  ${oneLine(what)}`);
    }
  }
  for (const { file, last } of events) {
    const when =
      last === undefined
        ? "no event received yet (the file does not exist)"
        : last.received_at === undefined
          ? `${last.size} bytes, no readable event`
          : `last event ${last.received_at}${ago(last.received_at, now)}${last.event === undefined ? "" : `, ${last.event}`}`;
    print(context, oneLine(`events: ${file}: ${when}`));
  }
  if (lastError !== undefined)
    print(context, oneLine(`last hook problem (${errorLog}): ${lastError}`));
}

function label(hook: InstalledHook): string {
  return hook.matcher === undefined ? hook.event : `${hook.event} [${hook.matcher}]`;
}

/** The last line of a small text file, or undefined. */
async function lastLine(path: string): Promise<string | undefined> {
  const record = await open(path, "r").catch(() => undefined);
  if (record === undefined) return undefined;
  try {
    const { size } = await record.stat();
    const length = Math.min(size, 4096);
    const buffer = Buffer.alloc(length);
    await record.read(buffer, 0, length, size - length);
    return (
      buffer
        .toString("utf8")
        .split("\n")
        .filter((line) => line !== "")
        .at(-1) ?? undefined
    );
  } finally {
    await record.close();
  }
}

/**
 * Adds `agentwatch hook` (what Claude Code's hooks run) and `agentwatch hooks install | uninstall
 * | status` to the program.
 */
export function addHookCommands(program: Command, io: CliIO): void {
  const globals = (command: Command) => command.optsWithGlobals<GlobalFlags>();
  program
    .command("hook")
    .description(
      "record one Claude Code hook event, given as JSON on stdin (what the hooks of `agentwatch hooks install` run); it always exits 0 and prints nothing",
    )
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_flags: object, command: Command) => {
      // The same as the fast path main.ts takes for `agentwatch hook …` (this is `agentwatch
      // --state-dir DIR hook`): it exits 0 itself.
      const stateDir = globals(command).stateDir;
      await hookMain(
        [...(stateDir === undefined ? [] : ["--state-dir", stateDir]), ...command.args],
        io.env,
      );
    });

  const hooks = program
    .command("hooks")
    .description(
      "Claude Code hooks that tell agentwatch the moment an agent waits for permission or input, finishes a turn, or starts and ends a session",
    );
  scopeOptions(
    hooks
      .command("install")
      .description(
        "add agentwatch's hooks to a Claude Code settings file, keeping everything else in it (a backup is written beside it)",
      ),
  ).action(async (flags: ScopeFlags, command: Command) => {
    const context = await commandContext(globals(command), io);
    await installCommand(context, scopeOf(flags, io));
  });
  scopeOptions(
    hooks
      .command("uninstall")
      .description("remove exactly the hooks agentwatch added from a Claude Code settings file"),
  ).action(async (flags: ScopeFlags, command: Command) => {
    const context = await commandContext(globals(command), io);
    await uninstallCommand(context, scopeOf(flags, io));
  });
  scopeOptions(
    hooks
      .command("status", { isDefault: true })
      .description(
        "which of agentwatch's hooks are installed in the user's and this project's settings, and when the last event arrived",
      ),
  )
    .option("--json", "print it as JSON", false)
    .action(async (flags: ScopeFlags & { json: boolean }, command: Command) => {
      const context = await commandContext(globals(command), io);
      await statusCommand(context, flags);
    });
}
