import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIM_AGENTS, logPathOf } from "@agentwatch/agent-sim";
import { buildDashboard } from "./helpers/build-dashboard.js";
import { CHROMIUM_ARGS, chromiumPath } from "./helpers/chromium.js";
import { type ServeProcess, startServe } from "./helpers/serve-process.js";
import { PERMISSION_PROMPT, writeWorkspace } from "./helpers/workspace.js";

const APP_DIR = fileURLToPath(new URL("../", import.meta.url));
const ARTIFACTS = join(APP_DIR, "test-artifacts");
const TOKEN = "e2e-token";

let root: string;
let serve: ServeProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "agentwatch-e2e-"));
  const dashboardDir = join(root, "dashboard");
  await buildDashboard(dashboardDir);
  const logDir = join(root, "logs");
  await writeWorkspace(logDir, SIM_AGENTS, 60);
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
    "--token",
    TOKEN,
  ]);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  await mkdir(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await rm(root, { recursive: true, force: true });
});

describe("the dashboard in Chromium", () => {
  it("shows every agent, goes live, and moves a card to the top when its agent asks for permission", async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    await page.goto(`${serve!.url}/?token=${TOKEN}`);
    await page.locator("#connection[data-phase='live']").waitFor({ timeout: 20_000 });
    for (const spec of SIM_AGENTS) {
      await page
        .locator(`.card[data-instance-id="${spec.instanceId}"]`)
        .filter({ hasText: spec.instanceName })
        .waitFor({ timeout: 20_000 });
    }
    expect(await page.locator(".card").count()).toBe(SIM_AGENTS.length);
    // Every agent gets a summary within a cycle or two.
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll(".card .activity")].filter(
          (e) => e.textContent !== "No summary yet.",
        ).length === n,
      SIM_AGENTS.length,
      { timeout: 20_000 },
    );
    // db-migrator's simulated log ends at a permission prompt: it is pinned first.
    const first = page.locator(".card").first();
    await expect
      .poll(() => first.getAttribute("data-instance-id"), { timeout: 20_000 })
      .toBe("db-migrator");
    expect(await first.getAttribute("data-activity")).toBe("waiting_permission");
    // Its prompt, which the summary holds in three fields, is shown once, line by line.
    await first.locator(".prompt").waitFor({ timeout: 20_000 });
    const migration = await first.locator(".prompt").innerText();
    expect(migration.split("\n")).toEqual([
      "Bash command",
      expect.stringContaining("migrations/0045_email_verified.sql"),
      "Do you want to proceed?",
    ]);
    expect((await first.innerText()).split("0045_email_verified.sql")).toHaveLength(2);
    expect(await page.locator("#health").textContent()).toContain("last cycle");

    const card = page.locator('.card[data-instance-id="backend-dev"]');
    expect(await card.getAttribute("data-activity")).not.toBe("waiting_permission");
    await appendFile(logPathOf(join(root, "logs"), "backend-dev"), PERMISSION_PROMPT);
    await page
      .locator('.card[data-instance-id="backend-dev"][data-activity="waiting_permission"]')
      .waitFor({ timeout: 20_000 });
    await expect.poll(() => card.locator(".badge").textContent()).toBe("Waiting for permission");
    await expect
      .poll(() => card.locator(".prompt").innerText(), { timeout: 20_000 })
      .toContain("git push --force origin main\n");
    // The prompt is shown once; the judge also names what approving it would do.
    expect(
      (await card.locator(".prompt").innerText()).split("git push --force origin main"),
    ).toHaveLength(2);
    expect(await card.locator(".drift").innerText()).toContain(
      "force-pushes the default branch: `git push --force origin main`",
    );
    expect((await card.innerText()).split("git push --force origin main")).toHaveLength(3);
    expect(await card.locator(".cost").isHidden()).toBe(true);
    expect(await card.evaluate((e) => e.classList.contains("attention"))).toBe(true);
    // Both waiting agents are at the top, by name.
    const order = await page
      .locator(".card")
      .evaluateAll((cards) => cards.slice(0, 2).map((c) => (c as HTMLElement).dataset.instanceId));
    expect(order).toEqual(["backend-dev", "db-migrator"]);
    expect(
      Number(await page.locator(".chip-attention .count").textContent()),
    ).toBeGreaterThanOrEqual(2);

    // Filter and search.
    await page.locator(".chip-attention").click();
    await expect.poll(() => page.locator(".card").count()).toBeLessThan(SIM_AGENTS.length);
    await page.locator(".chip-attention").click();
    await page.locator("#search").fill("docs");
    await expect.poll(() => page.locator(".card").count()).toBe(1);
    await page.locator("#search").fill("");
    await expect.poll(() => page.locator(".card").count()).toBe(SIM_AGENTS.length);

    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });

    // A click opens the agent's history.
    await card.click();
    await page.locator("#history:not([hidden]) .history-list li").first().waitFor();
    expect(await page.locator("#history-title").textContent()).toContain("backend-dev");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-history.png") });
    await page.keyboard.press("Escape");
    await page.locator("#history").waitFor({ state: "hidden" });

    // Phone-sized.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-phone.png") });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);

    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it("shows reconnecting when the page has no token, and the server refuses it", async () => {
    const page = await browser!.newPage();
    await page.goto(`${serve!.url}/`);
    await page.locator("#connection[data-phase='reconnecting']").waitFor({ timeout: 20_000 });
    expect(await page.locator(".card").count()).toBe(0);
    await page.close();
  });
});
