import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";
import { DeliveryError, NotifyError } from "./errors.js";
import type { TargetDriver } from "./delivery.js";
import { type Notification, escapeMarkup, plainLine } from "./message.js";
import { describeTarget } from "./target-spec.js";

/** Environment variables, as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** How long a process may take to end after SIGTERM before it gets SIGKILL. */
const KILL_GRACE_MS = 1_000;
/** Exit status of a command that failed for now and may work later (sysexits' EX_TEMPFAIL). */
export const EXIT_TEMPFAIL = 75;

/**
 * Runs `file args` (no shell involved), with `input` on its stdin when given. The process gets its
 * own process group, which is killed (TERM, then KILL) when `signal` aborts.
 *
 * @throws {DeliveryError} when it cannot start, exits non-zero (retryable for exit 75 only), or is
 *   stopped by `signal`.
 */
export function runProcess(
  file: string,
  args: readonly string[],
  options: { input?: string; env?: Environment | undefined; signal: AbortSignal; name: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(options.signal.reason as Error);
    const child = spawn(file, args, {
      env: options.env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "ignore", "pipe"],
      detached: true,
    });
    let stderr = "";
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    options.signal.addEventListener("abort", onAbort, { once: true });
    const done = () => options.signal.removeEventListener("abort", onAbort);
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      if (stderr.length < 2048) stderr += text;
    });
    child.stdin?.on("error", () => {}); // a command that does not read its input is fine
    child.stdin?.end(options.input);
    child.on("error", (error: NodeJS.ErrnoException) => {
      done();
      const why =
        error.code === "ENOENT"
          ? "it is not installed or not on PATH"
          : `${error.message} (${error.code ?? "error"})`;
      reject(new DeliveryError(`cannot run ${options.name}: ${why}`, { retryable: false }));
    });
    child.on("close", (code, signal) => {
      done();
      clearTimeout(killTimer);
      if (options.signal.aborted) return reject(options.signal.reason as Error);
      if (code === 0) return resolve();
      const said = plainLine(stderr.trim().split("\n")[0] ?? "", 200);
      const how = code === null ? `was killed by ${signal ?? "a signal"}` : `exited with ${code}`;
      reject(
        new DeliveryError(`${options.name} ${how}${said === "" ? "" : `: ${said}`}`, {
          retryable: code === EXIT_TEMPFAIL,
        }),
      );
    });
  });
}

/**
 * `command=CMD`: runs `/bin/sh -c CMD` with the notification as one line of JSON on stdin. Exit 0
 * is delivered; exit 75 (EX_TEMPFAIL) is retried; any other exit is a failure not retried.
 */
export function commandDriver(command: string, env: Environment | undefined): TargetDriver {
  const label = describeTarget({ kind: "command", command });
  return {
    kind: "command",
    label,
    send: (notification, signal) =>
      runProcess("/bin/sh", ["-c", command], {
        input: `${JSON.stringify(notification)}\n`,
        env,
        signal,
        name: label,
      }),
  };
}

/** The desktop tool of a platform and how to install it, or null where there is none. */
export function desktopTool(
  platform: NodeJS.Platform,
): { readonly name: string; readonly install: string } | null {
  if (platform === "darwin") return { name: "osascript", install: "it comes with macOS" };
  if (platform === "win32") return null;
  return {
    name: "notify-send",
    install:
      "install libnotify (Debian and Ubuntu: apt install libnotify-bin; Fedora: dnf install libnotify)",
  };
}

/** The first executable file `name` in `path` (a PATH value), or null. */
export async function findExecutable(name: string, path: string): Promise<string | null> {
  if (isAbsolute(name)) return (await isExecutable(name)) ? name : null;
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The body of a desktop notification: the text after its title. */
function desktopBody(notification: Notification): string {
  const lines = notification.text.split("\n");
  return (notification.type === "agent" ? lines.slice(1) : lines).join("\n");
}

/**
 * `desktop`: `notify-send` (Linux and other Unix desktops) or `osascript` (macOS), run with the
 * title and text as arguments, never through a shell. With `env` given, the tool is looked up on
 * its PATH now.
 *
 * @throws {NotifyError} `NOTIFY_TARGET_UNAVAILABLE` naming the tool and how to install it, or the
 *   platform without one.
 */
export async function desktopDriver(
  platform: NodeJS.Platform,
  env: Environment | undefined,
): Promise<TargetDriver> {
  const tool = desktopTool(platform);
  if (tool === null) {
    throw new NotifyError(
      `the desktop notification target has no tool on ${platform}; use webhook=, ntfy= or command= instead`,
      "NOTIFY_TARGET_UNAVAILABLE",
    );
  }
  let file = tool.name;
  if (env !== undefined) {
    const found = await findExecutable(tool.name, env.PATH ?? "");
    if (found === null) {
      throw new NotifyError(
        `the desktop notification target needs ${tool.name}, which is not on PATH; ${tool.install}, or choose another --notify target`,
        "NOTIFY_TARGET_UNAVAILABLE",
      );
    }
    file = found;
  }
  const label = describeTarget({ kind: "desktop" });
  return {
    kind: "desktop",
    label,
    send: (notification, signal) => {
      const args =
        tool.name === "osascript"
          ? [
              "-e",
              "on run argv",
              "-e",
              "display notification (item 2 of argv) with title (item 1 of argv)",
              "-e",
              "end run",
              notification.title,
              desktopBody(notification),
            ]
          : [
              "--app-name=agentwatch",
              `--urgency=${notification.urgent ? "critical" : "normal"}`,
              "--",
              notification.title,
              // Notification servers may read the body as markup.
              escapeMarkup(desktopBody(notification)),
            ];
      return runProcess(file, args, { env, signal, name: tool.name });
    },
  };
}

/** `bell`: calls the app's callback (a terminal app writes `\x07`). */
export function bellDriver(ring: (notification: Notification) => void): TargetDriver {
  return {
    kind: "bell",
    label: "bell",
    send: (notification) => {
      ring(notification);
      return Promise.resolve();
    },
  };
}
