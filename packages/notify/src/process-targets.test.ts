import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PERMISSION, WORKING, change, recordingLogger } from "../test/helpers.js";
import { type Notification, NotifyError, createNotifier } from "./index.js";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "agentwatch-notify-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const QUICK = { retryBaseMs: 10, retryMaxMs: 20, summaryWaitMs: 0 };
/** A PATH with the system's tools (sh, cat) and nothing else of this machine's. */
const SYSTEM_PATH = "/usr/bin:/bin";

async function script(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe("command=", () => {
  it("runs the command through /bin/sh with the notification as JSON on stdin", async () => {
    const out = join(dir, "got a notification.json");
    const notifier = await createNotifier({
      ...QUICK,
      // Shell syntax works: a variable, quotes and a redirection.
      targets: [`command=cat > "$OUT_DIR/got a notification.json"`],
      env: { PATH: SYSTEM_PATH, OUT_DIR: dir },
    });
    notifier.notify(
      change("db", WORKING, PERMISSION, { instance_name: "db-migrator", where: "%3" }),
    );
    const stats = await notifier.close();
    expect(stats.targets[0]).toMatchObject({ target: "command=cat …", sent: 1, failed: 0 });
    const text = await readFile(out, "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    const event = JSON.parse(text) as Notification;
    expect(event).toMatchObject({
      type: "agent",
      title: "agentwatch: db-migrator is waiting for permission",
      agents: [
        {
          instance_id: "db",
          instance_name: "db-migrator",
          where: "%3",
          reason: "waiting_permission",
        },
      ],
    });
  });

  it("retries a command that exits 75, and not one that exits 1", async () => {
    const tries = join(dir, "tries");
    const flaky = await script(
      join(dir, "flaky.sh"),
      `echo try >> "${tries}"; [ "$(wc -l < "${tries}")" -ge 2 ] && exit 0; exit 75`,
    );
    const broken = await script(join(dir, "broken.sh"), 'echo "no such channel" >&2; exit 1');
    const logger = recordingLogger();
    const notifier = await createNotifier({
      ...QUICK,
      targets: [`command=${flaky}`, `command=${broken}`],
      env: { PATH: SYSTEM_PATH },
      logger,
    });
    notifier.notify(change("a", WORKING, PERMISSION));
    const [flakyStats, brokenStats] = (await notifier.close()).targets;
    expect(flakyStats).toMatchObject({ sent: 1, retried: 1, failed: 0 });
    expect(brokenStats).toMatchObject({ sent: 0, retried: 0, failed: 1 });
    expect((await readFile(tries, "utf8")).split("\n").filter(Boolean)).toHaveLength(2);
    expect(
      logger.lines.filter((line) => line.level === "warn").map((line) => line.message),
    ).toEqual([
      `cannot notify command=${broken}: command=${broken} exited with 1: no such channel; later notifications are still tried, counted, and this is said again when it works`,
    ]);
  });

  it("a command that outlives its deadline is killed with what it started", async () => {
    const pidFile = join(dir, "pid");
    const notifier = await createNotifier({
      ...QUICK,
      targets: [`command=sleep 600 & echo $! > "${pidFile}"; wait`],
      env: { PATH: SYSTEM_PATH },
      deadlineMs: 500,
      retries: 0,
    });
    notifier.notify(change("a", WORKING, PERMISSION));
    await waitFor(() => notifier.stats().targets[0]!.failed === 1, { what: "the deadline" });
    const pid = Number(await readFile(pidFile, "utf8"));
    await waitFor(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { what: `sleep (pid ${pid}) to be killed` },
    );
    await notifier.close();
  });
});

describe("desktop", () => {
  it("runs notify-send from the PATH given, with the title and text as arguments", async () => {
    const bin = join(dir, "bin");
    await mkdir(bin);
    const args = join(dir, "args");
    await script(
      join(bin, "notify-send"),
      `for a in "$@"; do printf '%s\\n--\\n' "$a"; done > "${args}"`,
    );
    const notifier = await createNotifier({
      ...QUICK,
      targets: ["desktop"],
      platform: "linux",
      env: { PATH: `${bin}:${SYSTEM_PATH}` },
    });
    notifier.notify(
      change("a1", WORKING, PERMISSION, { instance_name: "$(touch pwned) <b>x</b>", where: "%1" }),
    );
    expect((await notifier.close()).targets[0]).toMatchObject({ sent: 1 });
    const got = (await readFile(args, "utf8")).split("\n--\n").slice(0, -1);
    expect(got).toEqual([
      "--app-name=agentwatch",
      "--urgency=critical",
      "--",
      "agentwatch: $(touch pwned) <b>x</b> is waiting for permission",
      [
        "agent: $(touch pwned) &lt;b&gt;x&lt;/b&gt; (a1)",
        "where: %1",
        "reason: waiting_permission",
        "action: approve or deny the request in its terminal",
      ].join("\n"),
    ]);
  });

  it("without notify-send it is a one-line error at start, naming the tool and what to install", async () => {
    const error = await createNotifier({
      targets: ["desktop"],
      platform: "linux",
      env: { PATH: join(dir, "empty") },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as NotifyError).code).toBe("NOTIFY_TARGET_UNAVAILABLE");
    expect((error as Error).message).toBe(
      "the desktop notification target needs notify-send, which is not on PATH; install libnotify (Debian and Ubuntu: apt install libnotify-bin; Fedora: dnf install libnotify), or choose another --notify target",
    );
    const mac = await createNotifier({
      targets: ["desktop"],
      platform: "darwin",
      env: { PATH: join(dir, "empty") },
    }).catch((caught: unknown) => caught);
    expect((mac as Error).message).toMatch(/needs osascript, which is not on PATH/);
  });
});

describe("bell", () => {
  it("calls the app's callback once per notification", async () => {
    const rung: Notification[] = [];
    const notifier = await createNotifier({
      ...QUICK,
      targets: ["bell"],
      bell: (notification) => rung.push(notification),
    });
    notifier.notify(change("a", WORKING, PERMISSION));
    notifier.notify(change("a", PERMISSION, WORKING));
    notifier.notify(change("b", WORKING, ["working", "off_track"]));
    await notifier.close();
    expect(rung.map((n) => n.title)).toEqual([
      "agentwatch: a is waiting for permission",
      "agentwatch: b is off track",
    ]);
  });

  it("needs a callback", async () => {
    await expect(createNotifier({ targets: ["bell"] })).rejects.toThrow(
      /the bell target needs a terminal to ring/,
    );
  });
});
