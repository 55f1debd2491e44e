import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type NodeChild, startNode, waitFor } from "@agentwatch/test-kit";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { PERMISSION, WORKING, main, useCliWorkspace } from "./helpers/cli.js";

const ws = useCliWorkspace();
const children: NodeChild[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop()));
});

interface Message {
  type: string;
  summary?: { instance_id: string; timestamp: string; host?: string };
  agents?: Array<{ instance_id: string; host?: string }>;
}

function start(args: string[]): NodeChild {
  const child = startNode(main, args, {
    env: { PATH: process.env.PATH ?? "", HOME: ws.dir },
    cwd: ws.dir,
  });
  children.push(child);
  return child;
}

/** A host: its own agents' logs, state and summaries, exporting to `endpoint` as `name`. */
async function host(name: string, agents: Record<string, string>, endpoint: string) {
  const dir = join(ws.dir, name);
  await mkdir(join(dir, "logs"), { recursive: true });
  for (const [id, log] of Object.entries(agents))
    await writeFile(join(dir, "logs", `${id}.log`), log);
  return start([
    "watch",
    "--json",
    "--offline",
    "--interval",
    "1",
    "--logs",
    join(dir, "logs", "*.log"),
    "--state-dir",
    join(dir, "state"),
    "--summary-dir",
    join(dir, "summaries"),
    "--otlp-endpoint",
    endpoint,
    "--host-name",
    name,
  ]);
}

/** The summaries a `watch --json` printed, as `<host>/<id>@<timestamp>`. */
function printedSummaries(child: NodeChild, name: string): string[] {
  return child.lines
    .filter((line) => line.startsWith('{"type":"summary"'))
    .map((line) => {
      const { summary } = JSON.parse(line) as Required<Pick<Message, "summary">>;
      return `${name}/${summary.instance_id}@${summary.timestamp}`;
    });
}

describe("many machines", () => {
  it("two hosts export to a third running serve --otlp-receiver: its WebSocket sees every agent of both, with its host, and every summary once", async () => {
    const centralLogs = join(ws.dir, "central", "logs");
    await mkdir(centralLogs, { recursive: true });
    await writeFile(join(centralLogs, "local-agent.log"), WORKING);
    const central = start([
      "serve",
      "--port",
      "0",
      "--offline",
      "--interval",
      "1",
      "--otlp-receiver",
      "--logs",
      join(centralLogs, "*.log"),
      "--state-dir",
      join(ws.dir, "central", "state"),
      "--summary-dir",
      join(ws.dir, "central", "summaries"),
    ]);
    const listening = await central.waitForLine((line) => line.startsWith("listening on "), {
      what: "the central server to listen",
    });
    const url = listening.slice("listening on ".length).trim();

    const messages: Message[] = [];
    const client = new WebSocket(`${url.replace(/^http/, "ws")}/ws/agent_summaries`);
    client.on("message", (data: Buffer) => messages.push(JSON.parse(data.toString()) as Message));
    await new Promise((resolve, reject) => {
      client.once("open", resolve);
      client.once("error", reject);
    });

    const a = await host("host-a", { "claude-1": PERMISSION, "claude-2": WORKING }, url);
    const b = await host("host-b", { "claude-1": WORKING, "codex-9": PERMISSION }, url);
    const expectedAgents = [
      "host-a/claude-1",
      "host-a/claude-2",
      "host-b/claude-1",
      "host-b/codex-9",
      "local-agent",
    ];
    const streamed = () =>
      messages.flatMap((m) =>
        m.type === "summary_update" && m.summary !== undefined ? [m.summary] : [],
      );
    await waitFor(
      () => expectedAgents.every((id) => streamed().some((s) => s.instance_id === id)),
      { what: "summaries of every agent of both hosts and the central one", timeoutMs: 40_000 },
    );
    for (const summary of streamed()) {
      const hostName = summary.instance_id.includes("/")
        ? summary.instance_id.split("/")[0]
        : undefined;
      expect(summary.host).toBe(hostName);
    }
    // More output on one agent of each host: new summaries travel too.
    await writeFile(
      join(ws.dir, "host-a", "logs", "claude-2.log"),
      `${WORKING}⏺ Bash(npm test)\n`,
      { flag: "a" },
    );
    await writeFile(
      join(ws.dir, "host-b", "logs", "claude-1.log"),
      `${WORKING}⏺ Bash(npm run lint)\n`,
      { flag: "a" },
    );
    await waitFor(
      () => printedSummaries(a, "host-a").length >= 3 && printedSummaries(b, "host-b").length >= 3,
      {
        what: "a second summary on each host",
      },
    );
    // Stopped hosts send what they still hold before they exit.
    await Promise.all([a.stop("SIGTERM"), b.stop("SIGTERM")]);
    const sent = [...printedSummaries(a, "host-a"), ...printedSummaries(b, "host-b")].sort();
    const received = () =>
      streamed()
        .filter((s) => s.instance_id.includes("/"))
        .map((s) => `${s.instance_id}@${s.timestamp}`)
        .sort();
    await waitFor(() => received().length >= sent.length, { what: "every summary of both hosts" });
    expect(received()).toEqual(sent);

    // A client connecting now gets both hosts' agents in its snapshot, each with its host.
    const late = await fetch(`${url}/api/summaries`);
    const listed = (await late.json()) as {
      summaries: Array<{ instance_id: string; host?: string }>;
    };
    expect(listed.summaries.map((s) => s.instance_id).sort()).toEqual(expectedAgents);
    expect(listed.summaries.find((s) => s.instance_id === "host-b/codex-9")?.host).toBe("host-b");
    client.close();
  });
});
