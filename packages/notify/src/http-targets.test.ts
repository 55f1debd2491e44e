import { waitFor } from "@agentwatch/test-kit";
import { afterEach, describe, expect, it } from "vitest";
import { fakeTime } from "../test/fake-time.js";
import { PERMISSION, WORKING, change, recordingLogger } from "../test/helpers.js";
import { type Receiver, startReceiver } from "../test/receiver.js";
import { type NotifierOptions, createNotifier } from "./index.js";

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function receive(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  receiver = await startReceiver(answer);
  return receiver;
}

/** Fast retries: these tests are about whether a try is made again, not when. */
const QUICK: Partial<NotifierOptions> = { retryBaseMs: 10, retryMaxMs: 20, summaryWaitMs: 0 };

describe("webhook", () => {
  it("a flapping agent gives exactly one POST per transition told, naming the agent, where and why", async () => {
    const { url, requests } = await receive();
    const time = fakeTime();
    const notifier = await createNotifier({
      ...QUICK,
      targets: [`webhook=${url}`],
      clock: time.clock,
      timer: time.timer,
    });
    const summary = {
      activity_state: "waiting_permission" as const,
      on_track_status: "blocked" as const,
      current_activity:
        "Waiting for permission: Bash(rm -rf node_modules) <!channel> Do you want to proceed?",
      drift_reasons: [],
      recommended_action: "Approve or deny the agent's request: rm -rf node_modules",
    };
    const where = "/logs/instances/db/tmux_output.log";
    for (let i = 0; i < 20; i++) {
      notifier.notify(
        change("db", WORKING, PERMISSION, { instance_name: "db-migrator", where, summary }),
      );
      time.advance(2_000);
      notifier.notify(change("db", PERMISSION, WORKING));
      time.advance(1_000);
    }
    time.advance(60_000);
    notifier.notify(change("db", WORKING, PERMISSION, { instance_name: "db-migrator", where }));
    const stats = await notifier.close();
    expect(requests).toHaveLength(2);
    expect(stats.targets[0]).toMatchObject({ sent: 2, failed: 0, dropped: 0, retried: 0 });
    expect(stats.cooldown).toBe(19);

    const first = requests[0]!;
    expect(first.method).toBe("POST");
    expect(first.path).toBe("/hook");
    expect(first.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(first.body) as { text: string; agentwatch: Record<string, unknown> };
    expect(body.text).toBe(
      [
        "agentwatch: db-migrator is waiting for permission",
        "agent: db-migrator (db)",
        `where: ${where}`,
        "reason: waiting_permission: Waiting for permission: Bash(rm -rf node_modules) &lt;!channel&gt; Do you want to proceed?",
        "action: Approve or deny the agent's request: rm -rf node_modules",
      ].join("\n"),
    );
    expect(body.agentwatch).toMatchObject({
      type: "agent",
      urgent: true,
      agents: [
        {
          instance_id: "db",
          instance_name: "db-migrator",
          where,
          reason: "waiting_permission",
          activity_state: "waiting_permission",
          on_track_status: "blocked",
        },
      ],
    });
    expect((body.agentwatch.agents as { detail: string }[])[0]!.detail).toContain("<!channel>");
    // The second, after the cooldown, had no summary to quote: the state and a default action.
    const second = JSON.parse(requests[1]!.body) as { agentwatch: { agents: object[] } };
    expect(second.agentwatch.agents[0]).toMatchObject({
      detail: null,
      recommended_action: "approve or deny the request in its terminal",
    });
  });

  it("fifty agents at once: five POSTs, then one digest when the minute is over", async () => {
    const { url, requests } = await receive();
    const time = fakeTime();
    const notifier = await createNotifier({
      ...QUICK,
      targets: [`webhook=${url}`],
      clock: time.clock,
      timer: time.timer,
    });
    for (let i = 0; i < 50; i++) {
      notifier.notify(
        change(`agent-${i}`, ["rate_limited", "on_track"], ["rate_limited", "blocked"]),
      );
    }
    await waitFor(() => notifier.stats().targets[0]!.sent === 5, { what: "five POSTs" });
    time.advance(60_000);
    await waitFor(() => requests.length === 6, { what: "the digest" });
    const stats = await notifier.close();
    expect(requests).toHaveLength(6);
    const digest = JSON.parse(requests[5]!.body) as {
      text: string;
      agentwatch: { type: string; agents: unknown[] };
    };
    expect(digest.text).toMatch(/^agentwatch: and 45 more agents need you: agent-5 \(blocked\)/);
    expect(digest.agentwatch.type).toBe("digest");
    expect(digest.agentwatch.agents).toHaveLength(45);
    expect(stats).toMatchObject({ notified: 5, folded: 45, digests: 1 });
  });

  it("a receiver answering 500 then 200 gets the retry", async () => {
    const { url, requests } = await receive((_, index) => (index === 0 ? 500 : 200));
    const logger = recordingLogger();
    const notifier = await createNotifier({ ...QUICK, targets: [`webhook=${url}`], logger });
    notifier.notify(change("a", WORKING, PERMISSION));
    const stats = await notifier.close({ timeoutMs: 10_000 });
    expect(requests).toHaveLength(2);
    expect(requests[1]!.body).toBe(requests[0]!.body);
    expect(stats.targets[0]).toMatchObject({ sent: 1, failed: 0, retried: 1, dropped: 0 });
    expect(logger.lines.filter((line) => line.level === "warn")).toEqual([]);
  });

  it("a 404 is not retried, and is said once", async () => {
    const { url, requests } = await receive(() => 404);
    const logger = recordingLogger();
    const notifier = await createNotifier({ ...QUICK, targets: [`webhook=${url}`], logger });
    notifier.notify(change("a", WORKING, PERMISSION));
    notifier.notify(change("b", WORKING, PERMISSION));
    const stats = await notifier.close({ timeoutMs: 10_000 });
    expect(requests).toHaveLength(2);
    expect(stats.targets[0]).toMatchObject({ sent: 0, failed: 2, retried: 0 });
    const warnings = logger.lines.filter((line) => line.level === "warn");
    expect(warnings.map((line) => line.message)).toEqual([
      expect.stringMatching(
        /^cannot notify webhook=http:\/\/127\.0\.0\.1:\d+\/…: answered 404 Not Found; check the URL/,
      ),
    ]);
  });

  it("a receiver that never answers does not hold notify(), and the delivery is abandoned after its deadline", async () => {
    const { url, requests } = await receive(() => "hang");
    const logger = recordingLogger();
    const notifier = await createNotifier({
      ...QUICK,
      targets: [`webhook=${url}`],
      logger,
      deadlineMs: 300,
      retries: 1,
    });
    const returned = notifier.notify(change("a", WORKING, PERMISSION));
    expect(returned).toBeUndefined();
    // It returned before the receiver even saw the request: nothing was waited for.
    expect(requests).toHaveLength(0);
    expect(notifier.stats().targets[0]).toMatchObject({ queued: 1, sent: 0 });
    notifier.notify(change("b", WORKING, PERMISSION));
    expect(notifier.stats().targets[0]!.queued).toBe(2);
    await waitFor(() => notifier.stats().targets[0]!.failed === 2, { what: "both given up" });
    expect(notifier.stats().targets[0]).toMatchObject({ retried: 2, queued: 0, sent: 0 });
    expect(requests).toHaveLength(4);
    const warnings = logger.lines.filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/after 2 tries: no answer within 300 ms/);
    await notifier.close();
  });

  it("an outage is said once, and its end once", async () => {
    let up = false;
    const { url } = await receive(() => (up ? 200 : 503));
    const logger = recordingLogger();
    const notifier = await createNotifier({
      ...QUICK,
      targets: [`webhook=${url}`],
      logger,
      retries: 0,
    });
    for (const id of ["a", "b", "c"]) notifier.notify(change(id, WORKING, PERMISSION));
    await waitFor(() => notifier.stats().targets[0]!.failed === 3, { what: "three failures" });
    up = true;
    notifier.notify(change("d", WORKING, PERMISSION));
    await notifier.close();
    expect(
      logger.lines.filter((line) => line.level !== "debug").map((line) => line.message),
    ).toEqual([
      expect.stringMatching(
        /^cannot notify webhook=http:\/\/127\.0\.0\.1:\d+\/…: answered 503 Service Unavailable/,
      ),
      expect.stringMatching(
        /^notifications to webhook=http:\/\/127\.0\.0\.1:\d+\/… are delivered again \(3 failed meanwhile\)$/,
      ),
    ]);
  });

  it("a full queue drops its oldest, and close abandons what its deadline leaves", async () => {
    const { url, requests } = await receive(() => "hang");
    const notifier = await createNotifier({
      ...QUICK,
      targets: [`webhook=${url}`],
      queueSize: 2,
      deadlineMs: 60_000,
      rateLimit: 100,
    });
    for (const id of ["a", "b", "c", "d", "e"]) notifier.notify(change(id, WORKING, PERMISSION));
    await waitFor(() => requests.length === 1, { what: "the first request" });
    // a is in flight, b and c were dropped for d and e.
    expect(notifier.stats().targets[0]).toMatchObject({ dropped: 2, queued: 3 });
    const stats = await notifier.close({ timeoutMs: 50 });
    expect(stats.targets[0]).toMatchObject({ sent: 0, failed: 0, dropped: 5, queued: 0 });
    expect(
      requests.map(
        (request) =>
          (JSON.parse(request.body) as { agentwatch: { agents: { instance_id: string }[] } })
            .agentwatch.agents[0]!.instance_id,
      ),
    ).toEqual(["a"]);
  });

  it("a URL's user and password are sent as Basic authorization", async () => {
    const { url, requests } = await receive();
    const withUser = url.replace("http://", "http://ops:s%3Acret@");
    const notifier = await createNotifier({ ...QUICK, targets: [`webhook=${withUser}`] });
    notifier.notify(change("a", WORKING, PERMISSION));
    await notifier.close();
    expect(requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from("ops:s:cret").toString("base64")}`,
    );
  });
});

describe("ntfy", () => {
  it("POSTs the text with Title, Priority and Tags headers", async () => {
    const { url, requests } = await receive();
    const notifier = await createNotifier({ ...QUICK, targets: [`ntfy=${url}`], turnEnd: true });
    notifier.notify(change("a1", WORKING, PERMISSION, { instance_name: "Müller ✻", where: "%12" }));
    notifier.notify(change("b2", WORKING, ["idle", "on_track"], { instance_name: "docs" }));
    await notifier.close();
    expect(requests).toHaveLength(2);
    const [prompt, turn] = requests;
    const title = prompt!.headers.title as string;
    expect(title).toMatch(/^=\?UTF-8\?B\?(.+)\?=$/);
    expect(Buffer.from(/B\?(.+)\?=/.exec(title)![1]!, "base64").toString("utf8")).toBe(
      "agentwatch: Müller ✻ is waiting for permission",
    );
    expect(prompt!.headers.priority).toBe("high");
    expect(prompt!.headers.tags).toBe("warning,waiting_permission");
    expect(prompt!.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(prompt!.body).toBe(
      [
        "agent: Müller ✻ (a1)",
        "where: %12",
        "reason: waiting_permission",
        "action: approve or deny the request in its terminal",
      ].join("\n"),
    );
    expect(turn!.headers).toMatchObject({
      title: "agentwatch: docs finished its turn",
      priority: "low",
      tags: "robot,turn_end",
    });
  });
});
