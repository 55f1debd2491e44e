import { createRequire } from "node:module";
import { MAX_TIMER_SECONDS } from "@agentwatch/config";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { type CliIO, type GlobalFlags, commandContext } from "./context.js";
import { CliError, ExitCode } from "./errors.js";
import { demoCommand } from "./commands/demo.js";
import { notifyOptions } from "./notifications.js";
import { otelOptions } from "./otel.js";
import { addHookCommands } from "./commands/hooks.js";
import { positionsListCommand, positionsResetCommand } from "./commands/positions.js";
import { statusCommand } from "./commands/status.js";
import { tailCommand } from "./commands/tail.js";
import { tmuxDetachCommand, tmuxPanesCommand } from "./commands/tmux.js";
import type { SourceFlags } from "./sources.js";
import { withFoundDirs } from "./state-home.js";
import { serveCommand } from "./commands/serve.js";
import { watchCommand } from "./commands/watch.js";

/** This CLI's version, from its package.json. */
function cliVersion(): string {
  const manifest = createRequire(import.meta.url)("../package.json") as { version: string };
  return manifest.version;
}

/** Decimal notation only: `Number()` would also take `0x10`, `1e3` and `Infinity`. */
const DECIMAL = /^\d+(\.\d+)?$/;

function number(flag: string, options: { integer?: boolean; min: number; max?: number }) {
  return (value: string): number => {
    const parsed = Number(value);
    const ok =
      DECIMAL.test(value) &&
      Number.isFinite(parsed) &&
      parsed >= options.min &&
      (options.max === undefined || parsed <= options.max) &&
      (!options.integer || Number.isInteger(parsed));
    if (!ok) {
      const kind = options.integer ? "a whole number" : "a number";
      const range =
        options.max === undefined
          ? `of at least ${options.min}`
          : `from ${options.min} to ${options.max}`;
      throw new InvalidArgumentError(`${flag} takes ${kind} ${range}, got "${value}"`);
    }
    return parsed;
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The flags that name a tmux server. */
function tmuxServerOption(command: Command): Command {
  return command.option(
    "--tmux-socket <name|path>",
    "the tmux server: a socket name (as tmux -L takes it) or a path (-S); default: the one $TMUX names, else tmux's default",
  );
}

/** The flags that say where agents are: tmux panes, `--logs`, `--agents`, `--log-dir`. */
function sourceOptions(command: Command): Command {
  return tmuxServerOption(
    command
      .option(
        "--tmux",
        "watch the panes of the tmux server that run an agent (the default when no other source is given, a tmux server runs and the orchestrator's log directory does not exist); a pane is an agent when a process in it runs claude, codex, aider, gemini or opencode",
        false,
      )
      .option(
        "--tmux-session <name>",
        "also watch every pane of this tmux session, whatever it runs (repeatable)",
        collect,
      )
      .option(
        "--tmux-pane <id>",
        "also watch this tmux pane (%12), whatever it runs (repeatable)",
        collect,
      )
      .option("--tmux-all", "watch every pane of the tmux server", false)
      .option(
        "--agent-command <name>",
        "a program that makes a pane an agent when it runs there, besides the known ones (repeatable)",
        collect,
      )
      .option(
        "--logs <glob>",
        "watch log files matching a glob, one agent per file named by the file (repeatable)",
        collect,
      )
      .option(
        "--agents <file>",
        "a JSON file listing agents (instance_id, instance_name, role, assigned_task, log_file_path …)",
      )
      .option(
        "--log-dir <dir>",
        "the orchestrator's log directory (<dir>/instances/<id>/tmux_output.log); default log_dir",
      )
      .option(
        "--no-claude",
        "do not read Claude Code's session transcripts (read by default when ~/.claude/projects, or $CLAUDE_CONFIG_DIR's, exists)",
      )
      .option(
        "--no-codex",
        "do not read Codex CLI's session rollouts (read by default when ${CODEX_HOME:-~/.codex}/sessions exists)",
      )
      .option(
        "--session-idle <minutes>",
        "a Claude Code or Codex session whose file was not written for this long is no longer an agent, unless its tmux pane lives (default 30)",
        number("--session-idle", { min: 0.1, max: MAX_TIMER_SECONDS / 60 }),
      ),
  );
}

/** The flags of commands that run the monitoring service: its sources, interval and judge. */
function serviceOptions(command: Command): Command {
  return otelOptions(notifyOptions(sourceOptions(command)))
    .option(
      "--interval <seconds>",
      "seconds between poll cycles (config poll_interval_seconds)",
      number("--interval", { integer: true, min: 1, max: MAX_TIMER_SECONDS }),
    )
    .option(
      "--offline",
      "judge with the offline heuristic even when ANTHROPIC_API_KEY is set (with it, the model's verdicts replace the offline ones as they come)",
      false,
    )
    .option(
      "--from-start",
      "read every log met for the first time from its start (by default one holding more than catch_up_bytes is read from its last catch_up_lines lines)",
      false,
    )
    .option(
      "--duration <seconds>",
      "stop after this many seconds",
      number("--duration", { min: 0.1, max: MAX_TIMER_SECONDS }),
    );
}

/**
 * The `agentwatch` command line. `run(argv)` resolves to the exit code.
 */
export function createProgram(io: CliIO): { run(argv: readonly string[]): Promise<number> } {
  const program = new Command("agentwatch")
    .description("Watch a fleet of AI coding agents from their terminal logs.")
    .version(cliVersion(), "-V, --version", "print agentwatch's version")
    .option("--config <file>", "JSON config file (keys as in MonitoringConfig)")
    .option("--state-dir <dir>", "where monitor_positions.json is kept (config state_dir)")
    .option("--summary-dir <dir>", "where summaries are kept (config summary_dir)")
    .option(
      "--log-level <level>",
      "log level for stderr: fatal, error, warn, info, debug, trace, silent (default warn)",
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: () => {},
      outputError: () => {},
    });
  const globals = (command: Command) => command.optsWithGlobals<GlobalFlags>();

  serviceOptions(
    program
      .command("watch")
      .description(
        "run the monitoring service: a live table in a terminal, one line per summary when piped",
      )
      .option("--once", "run one cycle, print what it found, and exit", false)
      .option("--json", "print events as JSON lines", false)
      .option("--keep-capture", "leave the tmux pipes agentwatch attached when it stops", false),
  ).action(
    async (
      flags: SourceFlags & {
        interval?: number;
        once: boolean;
        json: boolean;
        offline: boolean;
        keepCapture: boolean;
        duration?: number;
      },
      command: Command,
    ) => {
      const context = await commandContext(globals(command), io, {
        poll_interval_seconds: flags.interval,
      });
      await watchCommand(context, { ...flags, durationSeconds: flags.duration });
    },
  );

  serviceOptions(
    program
      .command("serve")
      .description(
        "the monitoring service plus the HTTP/WebSocket server and the dashboard, on one port",
      )
      .option(
        "--host <address>",
        "address to listen on (config server_host; beyond loopback a token is required)",
      )
      .option(
        "--port <port>",
        "port to listen on, 0 for any free one (config server_port)",
        number("--port", { integer: true, min: 0, max: 65535 }),
      )
      .option("--token <token>", "token clients must present (config token, AGENTWATCH_TOKEN)")
      .option(
        "--dashboard-dir <dir>",
        "serve the dashboard from this build instead of the bundled one",
      )
      .option("--keep-capture", "leave the tmux pipes agentwatch attached when it stops", false),
  ).action(
    async (
      flags: SourceFlags & {
        keepCapture: boolean;
        host?: string;
        port?: number;
        token?: string;
        dashboardDir?: string;
        interval?: number;
        offline: boolean;
        duration?: number;
      },
      command: Command,
    ) => {
      const context = await commandContext(globals(command), io, {
        server_host: flags.host,
        server_port: flags.port,
        token: flags.token,
        poll_interval_seconds: flags.interval,
      });
      await serveCommand(context, {
        ...flags,
        dashboardDir: flags.dashboardDir,
        once: false,
        json: false,
        durationSeconds: flags.duration,
      });
    },
  );

  program
    .command("status")
    .description("the latest summary of every agent in the summary dir")
    .option("--json", "print them as a JSON array", false)
    .action(async (flags: { json: boolean }, command: Command) => {
      await statusCommand(await withFoundDirs(await commandContext(globals(command), io)), flags);
    });

  sourceOptions(
    program
      .command("tail")
      .description("follow one agent's cleaned output")
      .argument("<instance>", "the agent's instance id")
      .addOption(
        new Option("-n, --lines <n>", "lines to show first")
          .default(20)
          .argParser(number("--lines", { integer: true, min: 1, max: 100_000 })),
      )
      .option("--no-follow", "print the last lines and exit"),
  ).action(
    async (
      instance: string,
      flags: SourceFlags & { lines: number; follow: boolean },
      command: Command,
    ) => {
      const context = await commandContext(globals(command), io);
      await tailCommand(context, instance, { ...flags, intervalMs: 250 });
    },
  );

  const tmux = program
    .command("tmux")
    .description("the tmux panes agentwatch finds, and the pipes it attached to capture them");
  sourceOptions(
    tmux
      .command("panes", { isDefault: true })
      .description("every pane of the tmux server, whether it is an agent, and why"),
  )
    .option("--json", "print them as JSON", false)
    .action(async (flags: SourceFlags & { json: boolean }, command: Command) => {
      await tmuxPanesCommand(await commandContext(globals(command), io), flags);
    });
  tmuxServerOption(
    tmux
      .command("detach")
      .description(
        "remove the pipes agentwatch attached to tmux panes (and nothing else); their capture files stay",
      ),
  ).action(async (flags: SourceFlags, command: Command) => {
    await tmuxDetachCommand(await commandContext(globals(command), io), flags);
  });

  const positions = program.command("positions").description("the saved read positions");
  positions
    .command("list", { isDefault: true })
    .description("list every saved position")
    .option("--json", "print them as JSON", false)
    .action(async (flags: { json: boolean }, command: Command) => {
      await positionsListCommand(
        await withFoundDirs(await commandContext(globals(command), io)),
        flags,
      );
    });
  positions
    .command("reset")
    .description("forget an agent's positions, so its logs are read from the start")
    .argument("<instance>", "the agent's instance id")
    .action(async (instance: string, _flags: object, command: Command) => {
      await positionsResetCommand(
        await withFoundDirs(await commandContext(globals(command), io)),
        instance,
      );
    });

  program
    .command("demo")
    .description("simulated agents watched by the whole pipeline, then their summaries")
    .option(
      "--workspace <dir>",
      "the simulated agents' workspace (default: a new temporary directory)",
    )
    .addOption(
      new Option("--duration <seconds>", "seconds to run")
        .default(20)
        .argParser(number("--duration", { min: 1, max: MAX_TIMER_SECONDS })),
    )
    .addOption(
      new Option("--interval <seconds>", "seconds between cycles")
        .default(2)
        .argParser(number("--interval", { integer: true, min: 1, max: MAX_TIMER_SECONDS })),
    )
    .addOption(
      new Option("--agents <n>", "simulated agents")
        .default(5)
        .argParser(number("--agents", { integer: true, min: 1, max: 6 })),
    )
    .option(
      "--offline",
      "judge with the offline heuristic even when ANTHROPIC_API_KEY is set",
      false,
    )
    .action(
      async (
        flags: {
          workspace?: string;
          duration: number;
          interval: number;
          agents: number;
          offline: boolean;
        },
        command: Command,
      ) => {
        const global = globals(command);
        await demoCommand(global, await commandContext(global, io), {
          workspace: flags.workspace,
          durationSeconds: flags.duration,
          intervalSeconds: flags.interval,
          agents: flags.agents,
          offline: flags.offline,
        });
      },
    );

  addHookCommands(program, io);

  return {
    async run(argv) {
      try {
        await program.parseAsync(argv, { from: "user" });
        return ExitCode.OK;
      } catch (error) {
        if (error instanceof CommanderError) {
          if (
            error.code === "commander.helpDisplayed" ||
            error.code === "commander.help" ||
            error.code === "commander.version"
          ) {
            return ExitCode.OK;
          }
          const message = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
          io.stderr.write(`agentwatch: ${message} (see agentwatch --help)\n`);
          return ExitCode.USAGE;
        }
        if (error instanceof CliError) {
          io.stderr.write(`agentwatch: ${error.message}\n`);
          return error.exitCode;
        }
        io.stderr.write(
          `agentwatch: unexpected error: ${(error as Error).stack ?? String(error)}\n`,
        );
        return ExitCode.FAILURE;
      }
    },
  };
}
