import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { evalCommand } from "../src/cli.js";
import { CaseError } from "../src/errors.js";
import { EVAL_AGENT_KINDS } from "../src/eval-case.js";
import { ALL_CASES, generate } from "../src/generate/all-cases.js";
import { DEFAULT_CASES_DIR, loadCases } from "../src/load-cases.js";
import { runEval } from "../src/run-eval.js";
import { POLL_SECONDS } from "../src/run-case.js";
import { splitLines } from "../src/cuts.js";

const CRLF = "\r\n";

/** A Claude Code permission dialog at the end of a session: as plain as a case can be. */
function permissionLog(): string {
  const lines = ["> Add zod validation to the signup route", ""];
  for (let i = 0; i < 40; i++)
    lines.push(`⏺ Read(src/routes/file${i}.ts)`, `  ⎿  Read ${10 + i} lines`, "");
  lines.push(
    "─".repeat(60),
    " Bash command",
    "",
    "   npm install zod",
    "   Install zod",
    "",
    " Do you want to proceed?",
    " ❯ 1. Yes",
    "   2. Yes, and don't ask again for npm install commands in /home/dev/app",
    "   3. No, and tell Claude what to do differently (esc)",
  );
  return lines.join(CRLF) + CRLF;
}

async function writeCase(root: string, id: string, meta: object, log: string): Promise<void> {
  await mkdir(join(root, id), { recursive: true });
  await writeFile(
    join(root, id, "case.json"),
    JSON.stringify({ id, provenance: "planted by the harness test", tags: [], ...meta }),
  );
  await writeFile(join(root, id, "terminal.log"), log);
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "eval-harness-test-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the harness", () => {
  it("feeds a planted permission case poll by poll and scores it right", async () => {
    const task = "Add zod validation to the signup route";
    const truth = { state: "waiting_permission", status: "blocked", why: "permission dialog open" };
    await writeCase(
      root,
      "planted-permission",
      { kind: "claude-code", task, truth },
      permissionLog(),
    );
    // The same session labelled wrongly must be scored as a failure: the harness does not just agree.
    await writeCase(
      root,
      "planted-mislabelled",
      {
        kind: "claude-code",
        task,
        truth: { state: "idle", status: "on_track", why: "wrong on purpose" },
      },
      permissionLog(),
    );
    const cases = await loadCases(root);
    const run = await runEval(cases, { seed: 7 });
    const [mislabelled, planted] = run.results;
    expect(planted?.run).toMatchObject({ state: "waiting_permission", status: "blocked" });
    expect(planted?.failure).toBeNull();
    const lines = splitLines(cases[1]?.log ?? Buffer.alloc(0)).length;
    expect(planted?.run?.cuts.reduce((a, b) => a + b, 0)).toBe(lines);
    expect(planted?.run?.cuts.length).toBeGreaterThanOrEqual(2);
    // one poll per cut, then one quiet poll (quiet_seconds defaults to one poll interval)
    expect(planted?.run?.polls).toBe((planted?.run?.cuts.length ?? 0) + 1);
    expect(planted?.run?.trajectory.at(-1)?.lines).toBe(lines);
    expect(mislabelled?.run?.state).toBe("waiting_permission");
    expect(run.metrics.state_acc).toMatchObject({ hits: 1, of: 2 });
    expect(run.metrics.status_acc).toMatchObject({ hits: 1, of: 2 });
    expect(run.metrics.needs_human_recall).toMatchObject({ hits: 1, of: 1 });
    expect(run.metrics.false_alarm_rate).toMatchObject({ hits: 1, of: 1 });
  });

  it("lets a stall's quiet time pass on the fake clock without new output", async () => {
    const truth = { state: "waiting_permission", status: "blocked", why: "permission dialog open" };
    await writeCase(
      root,
      "planted-quiet",
      { kind: "claude-code", task: "x", truth, quiet_seconds: 600 },
      permissionLog(),
    );
    const [result] = (await runEval(await loadCases(root))).results;
    const run = result?.run;
    expect(run?.polls).toBe((run?.cuts.length ?? 0) + 600 / POLL_SECONDS);
    const last = run?.trajectory.at(-1);
    expect(last?.at_seconds).toBe(((run?.cuts.length ?? 1) - 1) * POLL_SECONDS + 600);
    expect(last?.lines).toBe(run?.trajectory[(run?.cuts.length ?? 1) - 1]?.lines);
  });

  it("reports a case it cannot cut as a failure and goes on", async () => {
    const truth = { state: "idle", status: "on_track", why: "short" };
    await writeCase(root, "planted-short", { kind: "shell", task: "x", truth }, "$ ls\r\n");
    const [result] = (await runEval(await loadCases(root))).results;
    expect(result?.run).toBeNull();
    expect(result?.failure).toMatch(/needs at least 40 lines/);
  });

  it("names the file and field of a malformed case", async () => {
    await writeCase(root, "bad-case", { kind: "vim", task: "x", truth: {} }, permissionLog());
    await expect(loadCases(root)).rejects.toThrow(CaseError);
    await expect(loadCases(root)).rejects.toThrow(/bad-case\/case.json: "kind" must be one of/);
    await writeCase(root, "bad-case", { id: "other", kind: "shell", task: "x", truth: {} }, "");
    await expect(loadCases(root, { only: ["nope"] })).rejects.toThrow(/no such case .*: nope/);
  });

  it("prints the report with the headline last and fails below the floors only when asked", async () => {
    const truth = { state: "idle", status: "on_track", why: "wrong on purpose" };
    await writeCase(
      root,
      "planted-miss",
      { kind: "claude-code", task: "x", truth },
      permissionLog(),
    );
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await evalCommand(["--cases", root], io)).toBe(0);
    const lines = out.join("").trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(
      /^state_acc=\d\.\d\d status_acc=\d\.\d\d needs_human_recall=n\/a false_alarm_rate=1\.00 drift_recall=n\/a$/,
    );
    // the per-form lines just above it: a case without a transcript runs in the terminal form only
    expect(lines.at(-2)).toBe(`form=terminal runs=1 ${lines.at(-1)}`);
    expect(out.join("")).toMatch(/planted-miss .*FAIL state status/);
    expect(await evalCommand(["--cases", root, "--floors"], io)).toBe(1);
    expect(err.join("")).toMatch(/false_alarm_rate 1.00 is above its ceiling 0.10/);
    out.length = 0;
    expect(await evalCommand(["--cases", root, "--json"], io)).toBe(0);
    const json = JSON.parse(out.join("")) as { cases: { id: string; pass: boolean }[] };
    expect(json.cases).toEqual([expect.objectContaining({ id: "planted-miss", pass: false })]);
    // --floor holds only the figures it names (and, with --floors, replaces theirs)
    err.length = 0;
    expect(await evalCommand(["--cases", root, "--floor", "false_alarm_rate=1"], io)).toBe(0);
    expect(await evalCommand(["--cases", root, "--floor", "status_acc=0.5"], io)).toBe(1);
    expect(err.join("")).toMatch(/status_acc 0.00 is below its floor 0.50/);
    const relaxed = ["--floor", "false_alarm_rate=1", "--floor", "status_acc=0"];
    expect(await evalCommand(["--cases", root, "--floors", ...relaxed], io)).toBe(0);
    expect(await evalCommand(["--cases", root, "--floor", "drift=0.5"], io)).toBe(2);
    expect(err.join("")).toMatch(/invalid --floor drift=0.5: expected NAME=VALUE/);
    expect(await evalCommand(["--bogus"], io)).toBe(2);
    expect(await evalCommand(["--cases", root, "--forms", "terminal,pdf"], io)).toBe(2);
    expect(err.join("")).toMatch(
      /invalid --forms pdf: expected some of terminal, transcript, joined/,
    );
  });
});

describe("the transcript forms", () => {
  const CLAUDE = "claude-five-hour-limit";
  const CODEX = "codex-usage-limit";

  it("finds a Claude Code transcript and a Codex rollout in a fake home, grows them poll by poll and scores them", async () => {
    // Two cases of the shipped set, and a copy of one labelled wrongly on purpose.
    for (const id of [CLAUDE, CODEX])
      await cp(join(DEFAULT_CASES_DIR, id), join(root, id), { recursive: true });
    const copy = join(root, "planted-mislabelled");
    await cp(join(DEFAULT_CASES_DIR, CLAUDE), copy, { recursive: true });
    const meta = JSON.parse(await readFile(join(copy, "case.json"), "utf8")) as Record<
      string,
      unknown
    >;
    await writeFile(
      join(copy, "case.json"),
      JSON.stringify({
        ...meta,
        id: "planted-mislabelled",
        truth: { state: "exited", status: "drifting", why: "wrong on purpose" },
      }),
    );
    const cases = await loadCases(root);
    const run = await runEval(cases, { seed: 5, forms: ["transcript", "joined"] });
    expect(run.results.map((r) => `${r.case.id}/${r.form}`)).toEqual([
      `${CLAUDE}/transcript`,
      `${CLAUDE}/joined`,
      `${CODEX}/transcript`,
      `${CODEX}/joined`,
      "planted-mislabelled/transcript",
      "planted-mislabelled/joined",
    ]);
    const sessionOf = (id: string) =>
      (cases.find((c) => c.id === id)?.transcript?.written_as.match(/([0-9a-f-]{36})\.jsonl$/) ??
        [])[1];
    for (const result of run.results) {
      const { case: c, form, run: r } = result;
      expect(result.failure, c.id).toBeNull();
      expect(r?.notes, `${c.id} ${form}`).toEqual([]);
      expect(r?.errors, `${c.id} ${form}`).toEqual([]);
      // discovered by the session source (its own id), or the pane joined with the session
      const program = c.transcript?.format === "codex-rollout" ? "codex" : "claude";
      expect(r?.instance_id).toBe(form === "transcript" ? `${program}-${sessionOf(c.id)}` : c.id);
      // the session file grew in more than one cut and was all there at the end
      const entries = splitLines(c.session ?? Buffer.alloc(0)).length;
      expect(r?.session_cuts?.reduce((a, b) => a + b, 0)).toBe(entries);
      expect(r?.session_cuts?.filter((n) => n > 0).length).toBeGreaterThan(1);
      expect(r?.trajectory.at(-1)?.session_entries).toBe(entries);
      expect(r?.polls).toBe((r?.cuts.length ?? 0) + 1);
      // a verdict was stored and is what is scored
      expect(r?.state).not.toBeNull();
      expect(r?.trajectory.at(-1)).toMatchObject({ state: r?.state, status: r?.status });
    }
    // the same session gives the same verdict; the wrong label makes it a miss
    const verdict = (id: string, form: string) =>
      run.results.find((r) => r.case.id === id && r.form === form)?.run;
    for (const form of ["transcript", "joined"]) {
      expect(verdict("planted-mislabelled", form)?.state).toBe(verdict(CLAUDE, form)?.state);
      expect(verdict("planted-mislabelled", form)?.status).toBe(verdict(CLAUDE, form)?.status);
    }
    const transcript = run.by_form.transcript;
    expect(run.by_form.terminal).toBeNull();
    expect(transcript?.cases).toBe(3);
    const right = run.results.filter(
      (r) => r.form === "transcript" && r.run?.state === r.case.truth.state,
    ).length;
    expect(transcript?.state_acc.hits).toBe(right);
    expect(right).toBeLessThan(3); // "exited" is not what the five-hour limit session shows
    expect(run.metrics.cases).toBe(6);
    expect(run.forms.transcript_formats).toEqual({ "claude-transcript": 2, "codex-rollout": 1 });
  });

  it("runs every form a case has, prints each form's line and puts all runs in the headline", async () => {
    await cp(join(DEFAULT_CASES_DIR, CODEX), join(root, CODEX), { recursive: true });
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => {} };
    expect(await evalCommand(["--cases", root], io)).toBe(0);
    const lines = out.join("").trimEnd().split("\n");
    expect(lines.slice(-4, -1).map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual([
      "form=terminal runs=1",
      "form=transcript runs=1",
      "form=joined runs=1",
    ]);
    expect(lines).toContain(
      "forms: 1 terminal, 1 transcript, 1 joined (3 runs); the last line is over all of them",
    );
    expect(lines.join("\n")).not.toMatch(/not run/);
    out.length = 0;
    expect(await evalCommand(["--cases", root, "--json"], io)).toBe(0);
    const json = JSON.parse(out.join("")) as {
      metrics: { cases: number };
      metrics_by_form: Record<string, { cases: number } | null>;
      cases: { id: string; form: string }[];
    };
    expect(json.metrics.cases).toBe(3);
    expect(json.metrics_by_form.joined?.cases).toBe(1);
    expect(json.cases.map((c) => c.form)).toEqual(["terminal", "transcript", "joined"]);
  });
});

describe("the shipped set", () => {
  it("has at least 80 cases covering every agent kind, each long enough for two cuts", async () => {
    const cases = await loadCases(DEFAULT_CASES_DIR);
    expect(cases.length).toBeGreaterThanOrEqual(80);
    for (const kind of EVAL_AGENT_KINDS) expect(cases.some((c) => c.kind === kind)).toBe(true);
    for (const c of cases) {
      expect(splitLines(c.log).length, c.id).toBeGreaterThanOrEqual(40);
      expect(c.provenance).toBe("written for this set");
    }
    const tasks = new Set(cases.map((c) => c.task));
    expect(tasks.size).toBeGreaterThan(cases.length * 0.9);
  });

  it("matches what the generator writes (run `pnpm --filter @agentwatch/eval cases` after editing a spec)", async () => {
    const names = (await readdir(DEFAULT_CASES_DIR)).sort();
    expect(names).toEqual(ALL_CASES.map((spec) => spec.id).sort());
    for (const spec of ALL_CASES) {
      const { meta, built } = generate(spec);
      const dir = join(DEFAULT_CASES_DIR, spec.id);
      expect(JSON.parse(await readFile(join(dir, "case.json"), "utf8")), spec.id).toEqual(
        JSON.parse(JSON.stringify(meta)),
      );
      expect((await readFile(join(dir, "terminal.log"))).equals(built.log), spec.id).toBe(true);
      if (built.transcript !== undefined) {
        expect(await readFile(join(dir, built.transcript.form.file), "utf8")).toBe(
          built.transcript.text,
        );
      }
    }
  });
});
