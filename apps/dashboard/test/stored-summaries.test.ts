import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Summary } from "../src/protocol.js";
import { buildDashboard } from "./helpers/build-dashboard.js";
import { CHROMIUM_ARGS, chromiumPath } from "./helpers/chromium.js";
import { type ServeProcess, startServe } from "./helpers/serve-process.js";
import { writeStoredSummaries } from "./helpers/stored-summaries.js";

// The dashboard after `agentwatch serve` restarts: no agent runs, everything it shows comes from
// the summaries a previous run stored (the REST list and the WebSocket snapshot).

const ARTIFACTS = join(fileURLToPath(new URL("../", import.meta.url)), "test-artifacts");

/** A control character other than a line break or a tab: none may reach the page. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const PERMISSION_PROMPT =
  "Bash command\n  rm -rf node_modules\nDo you want to proceed?\n❯ 1. Yes\n  2. No";
const QUESTION = 'Which file should I delete?\n<img src=x onerror="window.__xss=1">\n1. a.ts';

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

function stored(id: string, minutesAgo: number, fields: Partial<Summary>): Summary {
  return {
    instance_id: id,
    instance_name: id,
    timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    current_activity: "",
    on_track_status: "on_track",
    confidence_score: 0.8,
    assigned_task: "Clean up the build",
    parent_instance_id: null,
    role: "dev",
    last_tool_used: "Bash",
    recent_tools: ["Read", "Bash"],
    output_preview: "",
    idle_duration_seconds: 4,
    drift_reasons: [],
    alignment_keywords: [],
    recommended_action: null,
    ...fields,
  };
}

// As packages/summarizer writes them (describe-activity.ts, blocking-rule.ts) and the monitor
// stores them, with `activity_state` as an extra field.
const SUMMARIES: Summary[] = [
  stored("done-agent", 30, {
    current_activity: "Exited: its log /tmp/logs/instances/done-agent/tmux_output.log disappeared.",
    on_track_status: "on_track",
    activity_state: "exited",
  }),
  stored("perm-agent", 2, {
    current_activity: `Waiting for permission: ${oneLine(PERMISSION_PROMPT)}`,
    on_track_status: "blocked",
    confidence_score: 0.9,
    drift_reasons: [`waiting for permission: ${oneLine(PERMISSION_PROMPT)}`],
    recommended_action: `Approve or deny the agent's request: ${PERMISSION_PROMPT}`,
    activity_state: "waiting_permission",
  }),
  stored("ask-agent", 3, {
    current_activity: `Waiting for an answer: ${oneLine(QUESTION)}`,
    on_track_status: "blocked",
    confidence_score: 0.9,
    drift_reasons: [`waiting for input: ${oneLine(QUESTION)}`],
    recommended_action: `Answer the agent's question: ${QUESTION}`,
    activity_state: "waiting_input",
  }),
  stored("noisy-agent", 1, {
    instance_name: "noisy\u001b[31m-agent\u001b[0m",
    role: "dev\u0007",
    current_activity: "Copying \u001b]52;c;ZXZpbA==\u0007the token\u001b[2J now\u0000",
    on_track_status: "drifting",
    last_tool_used: "Bash\u001b[K",
    recent_tools: ["Read\u0008", "Bash"],
    drift_reasons: ["\u001b[1mbold\u001b[0m reason\r\nsecond line"],
    recommended_action: "Check\u001b]0;title\u001b\\ it\u009b2J",
    activity_state: "working",
  }),
];

let root: string;
let serve: ServeProcess | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "agentwatch-stored-"));
  const dashboardDir = join(root, "dashboard");
  await buildDashboard(dashboardDir);
  const logDir = join(root, "logs");
  await mkdir(join(logDir, "instances"), { recursive: true });
  await writeStoredSummaries(join(root, "summaries"), SUMMARIES);
  serve = await startServe([
    "--log-dir",
    logDir,
    "--state-dir",
    join(root, "state"),
    "--summary-dir",
    join(root, "summaries"),
    "--dashboard-dir",
    dashboardDir,
    "--interval",
    "1",
    "--port",
    "0",
  ]);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${serve.url}/`);
  await page.locator("#connection[data-phase='live']").waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => document.querySelectorAll(".card").length === 4, undefined, {
    timeout: 20_000,
  });
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-stored.png"), fullPage: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await rm(root, { recursive: true, force: true });
});

const card = (id: string) => page.locator(`.card[data-instance-id="${id}"]`);

/** How often `needle` occurs in `text`. */
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

describe("the dashboard filled from stored summaries after a restart", () => {
  it("counts an exited agent as exited, not by its last status, and its card says exited", async () => {
    const counts = await page
      .locator(".chip")
      .evaluateAll((chips) =>
        Object.fromEntries(
          chips.map((c): [string, string] => [
            (c as HTMLElement).dataset.filter ?? "",
            c.querySelector(".count")?.textContent ?? "",
          ]),
        ),
      );
    expect(counts).toMatchObject({
      all: "4",
      exited: "1",
      on_track: "0",
      drifting: "1",
      blocked: "2",
      attention: "2",
    });
    const done = card("done-agent");
    expect(await done.getAttribute("data-status")).toBe("exited");
    expect(await done.locator(".status").textContent()).toBe("Exited");
    expect(await done.locator(".state").textContent()).toBe("exited");
    expect(await done.innerText()).not.toContain("On track");

    await page.locator(".chip-exited").click();
    await expect.poll(() => page.locator(".card").count()).toBe(1);
    expect(await page.locator(".card").first().getAttribute("data-instance-id")).toBe("done-agent");
    await page.locator(".chip-on_track").click();
    await expect.poll(() => page.locator(".card").count()).toBe(0);
    await page.locator(".chip-on_track").click();
    await expect.poll(() => page.locator(".card").count()).toBe(4);
  });

  it("shows a waiting agent's prompt once, line by line, as text", async () => {
    const perm = card("perm-agent");
    const text = await perm.innerText();
    expect(occurrences(text, "rm -rf node_modules")).toBe(1);
    expect(occurrences(text, "Do you want to proceed?")).toBe(1);
    expect(text).toContain(PERMISSION_PROMPT); // its lines and their indentation kept
    expect(await perm.locator(".prompt").innerText()).toBe(PERMISSION_PROMPT);

    const ask = card("ask-agent");
    const question = await ask.innerText();
    expect(occurrences(question, "Which file should I delete?")).toBe(1);
    expect(question).toContain(QUESTION);
    expect(await ask.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();

    // The history panel shows each summary's prompt once too.
    await perm.click();
    const entry = page.locator("#history:not([hidden]) .history-list li").first();
    await entry.waitFor();
    expect(occurrences(await entry.innerText(), "rm -rf node_modules")).toBe(1);
    await page.keyboard.press("Escape");
    await page.locator("#history").waitFor({ state: "hidden" });
  });

  it("shows no control characters or escape sequences from a summary", async () => {
    const noisy = card("noisy-agent");
    const text = await noisy.innerText();
    expect(text).not.toMatch(CONTROL);
    expect(text).toContain("noisy-agent");
    expect(text).toContain("Copying the token now");
    expect(text).toContain("bold reason second line");
    expect(text).toContain("Check it");
    for (const leftover of ["52;", "ZXZpbA", "[2J", "[31m", "title", "[K"]) {
      expect(text).not.toContain(leftover);
    }
    expect(await page.locator("body").innerText()).not.toMatch(CONTROL);

    await noisy.click();
    const entry = page.locator("#history:not([hidden]) .history-list li").first();
    await entry.waitFor();
    expect(await page.locator("#history").innerText()).not.toMatch(CONTROL);
    expect(await entry.innerText()).toContain("Copying the token now");
    await page.keyboard.press("Escape");
  });
});
