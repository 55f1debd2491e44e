import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TmuxServer, waitFor } from "@agentwatch/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PERMISSION, WORKING, main, useCliWorkspace } from "./helpers/cli.js";

const ws = useCliWorkspace();
const logs = () => join(ws.dir, "logs");

interface Post {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A local webhook receiver on 127.0.0.1 that answers 200 and keeps what it was sent. */
let receiver: { url: string; posts: Post[]; close(): Promise<void> };

beforeEach(async () => {
  const posts: Post[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      if (request.method === "POST") {
        posts.push({ path: request.url ?? "", contentType: request.headers["content-type"], body });
      }
      response.writeHead(200).end("ok\n");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  receiver = {
    url: `http://127.0.0.1:${port}/`,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
afterEach(async () => {
  await receiver.close();
});

interface WebhookBody {
  text: string;
  agentwatch: {
    type: string;
    agents: {
      instance_id: string;
      instance_name: string;
      where: string;
      reason: string;
      detail: string | null;
    }[];
  };
}

describe("watch --notify", () => {
  it("an agent at a permission prompt makes the webhook get one POST naming it and the reason", async () => {
    const log = await ws.agent("db-migrator", PERMISSION);
    await ws.agent("api-worker", WORKING);
    const run = await ws.run([
      "watch",
      "--once",
      "--log-dir",
      logs(),
      ...ws.dirs(),
      "--notify",
      `webhook=${receiver.url}`,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(receiver.posts).toHaveLength(1);
    const post = receiver.posts[0]!;
    expect(post.contentType).toBe("application/json");
    const body = JSON.parse(post.body) as WebhookBody;
    expect(body.text.split("\n")[0]).toBe("agentwatch: db-migrator is waiting for permission");
    expect(body.agentwatch.agents).toEqual([
      expect.objectContaining({
        instance_id: "db-migrator",
        instance_name: "db-migrator",
        where: log,
        reason: "waiting_permission",
      }),
    ]);

    // The prompt, from the summary the notification waited for.
    expect(body.agentwatch.agents[0]!.detail).toContain("rm -rf node_modules && npm install");

    // The same state seen again after a restart is no transition: nothing more is sent.
    const again = await ws.run([
      "watch",
      "--once",
      "--log-dir",
      logs(),
      ...ws.dirs(),
      "--notify",
      `webhook=${receiver.url}`,
    ]);
    expect(again.code).toBe(0);
    expect(receiver.posts).toHaveLength(1);
  });

  it("--notify adds to the config file's targets", async () => {
    await ws.agent("db-migrator", PERMISSION);
    const out = join(ws.dir, "command-got.json");
    const config = join(ws.dir, "agentwatch.json");
    await writeFile(config, JSON.stringify({ notify: [`command=cat > '${out}'`] }));
    const run = await ws.run([
      "--config",
      config,
      "watch",
      "--once",
      "--log-dir",
      logs(),
      ...ws.dirs(),
      "--notify",
      `webhook=${receiver.url}`,
    ]);
    expect(run.code).toBe(0);
    expect(receiver.posts).toHaveLength(1);
    const fromCommand = JSON.parse(await readFile(out, "utf8")) as WebhookBody["agentwatch"];
    expect(fromCommand.agents[0]).toMatchObject({
      instance_id: "db-migrator",
      reason: "waiting_permission",
    });
  });

  it.each([
    {
      what: "a webhook with no URL",
      args: ["--notify", "webhook="],
      message:
        'agentwatch: --notify: invalid notification target "webhook=": webhook needs a URL after "=", as in webhook=https://hooks.example.com/…; accepted forms: bell, desktop, webhook=URL, ntfy=URL, command=CMD\n',
    },
    {
      what: "a URL that is not http(s)",
      args: ["--notify", "ntfy=ftp://example.com/x"],
      message:
        'agentwatch: --notify: invalid notification target "ntfy=ftp://example.com/x": ntfy takes an http:// or https:// URL, got a ftp: URL; accepted forms: bell, desktop, webhook=URL, ntfy=URL, command=CMD\n',
    },
    {
      what: "desktop with no notify-send on PATH",
      args: ["--notify", "desktop"],
      env: { PATH: "/nonexistent" },
      message:
        "agentwatch: the desktop notification target needs notify-send, which is not on PATH; install libnotify (Debian and Ubuntu: apt install libnotify-bin; Fedora: dnf install libnotify), or choose another --notify target\n",
    },
  ])("$what is one line and exit 2, before anything starts", async ({ args, env, message }) => {
    await ws.agent("db-migrator", PERMISSION);
    const run = await ws.run(["watch", "--once", "--log-dir", logs(), ...ws.dirs(), ...args], {
      env,
    });
    expect(run.stderr).toBe(message);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(receiver.posts).toHaveLength(0);
  });

  it("names a bad target of the config as the config's", async () => {
    const run = await ws.run(["watch", "--once", "--log-dir", logs(), ...ws.dirs()], {
      env: { AGENTWATCH_NOTIFY: '["slack=https://x"]' },
    });
    expect(run.stderr).toMatch(
      /^agentwatch: config notify: invalid notification target "slack=https:\/\/x": unknown kind "slack"/,
    );
    expect(run.code).toBe(2);
  });
});

describe("--notify bell", () => {
  it("rings the terminal's bell in a terminal, and never writes it into piped output", async () => {
    await ws.agent("db-migrator", PERMISSION);
    const piped = await ws.run([
      "watch",
      "--once",
      "--log-dir",
      logs(),
      ...ws.dirs(),
      "--notify",
      "bell",
    ]);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/db-migrator blocked [\d.]+ waiting_permission/);
    expect(piped.stdout).not.toContain("\u0007");
    expect(piped.stderr).toBe(
      "agentwatch: the bell target rings only when stdout is a terminal (and not with --json)\n",
    );

    const tmux = await TmuxServer.create();
    try {
      const raw = join(ws.dir, "pane-output");
      const command = [
        "env",
        "-i",
        `PATH=${process.env.PATH ?? ""}`,
        `HOME=${ws.dir}`,
        "TERM=xterm",
        process.execPath,
        main,
        "watch",
        "--interval",
        "1",
        "--offline",
        "--log-dir",
        logs(),
        // Its own state: to this run the prompt is new, a transition.
        "--state-dir",
        join(ws.dir, "tty-state"),
        "--summary-dir",
        join(ws.dir, "tty-summaries"),
        "--notify",
        "bell",
      ]
        .map((word) => `'${word}'`)
        .join(" ");
      // It starts on Enter, once everything the pane prints is recorded.
      const pane = await tmux.newSession("bell", `read go; exec ${command}`);
      await tmux.tmux("pipe-pane", "-o", "-t", pane, `cat >> '${raw}'`);
      await tmux.tmux("send-keys", "-t", pane, "Enter");
      await waitFor(async () => (await readFile(raw, "utf8")).includes("\u0007"), {
        what: "the bell in the pane's output",
      });
      await waitFor(async () => (await tmux.capture(pane)).includes("db-migrator"), {
        what: "the table in the pane",
      });
    } finally {
      await tmux.kill();
    }
  });
});
