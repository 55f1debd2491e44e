// `pnpm test`: runs every package's tests through turbo, then adds up their vitest JSON reports
// (.vitest/results.json, written by the reporter set in vitest.shared.ts) and prints the one plain
// closing line CI reads: "N passed, M failed". Extra arguments go to `turbo run test` (for example
// `--filter @agentwatch/log-reader`). Exits non-zero when turbo failed, a package that has tests left
// no report, any test failed, or no test ran at all.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const packageDirs = [];
for (const group of ["packages", "apps"]) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group).sort()) {
    const dir = join(group, name);
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const { scripts = {} } = JSON.parse(readFileSync(manifest, "utf8"));
    if (scripts.test) packageDirs.push(dir);
  }
}

// A report left by an earlier run must not stand in for this one (turbo restores cached ones).
for (const dir of packageDirs) rmSync(join(dir, ".vitest", "results.json"), { force: true });
const extraArgs = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--"));
const filtered = extraArgs.some((arg) => arg.startsWith("--filter") || arg === "-F");
// Two at a time (the project's machines have 2 cores, and many suites start child processes), and
// every package runs even when one fails, so the count covers them all.
const turbo = spawnSync("turbo", ["run", "test", "--concurrency=2", "--continue", ...extraArgs], {
  stdio: "inherit",
  shell: false,
});
if (turbo.error) console.error(`cannot run turbo: ${turbo.error.message}; run pnpm install first`);
const turboFailed = turbo.status !== 0;

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const dir of packageDirs) {
  const report = join(dir, ".vitest", "results.json");
  if (!existsSync(report)) {
    if (!filtered) problems.push(`${dir}: no test report at ${report} (did its tests run?)`);
    continue;
  }
  const result = JSON.parse(readFileSync(report, "utf8"));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + (result.numTodoTests ?? 0);
  if (result.numFailedTestSuites > 0 && result.numFailedTests === 0) {
    problems.push(`${dir}: ${result.numFailedTestSuites} test file(s) failed to run`);
    failed += result.numFailedTestSuites;
  }
}
if (turboFailed && failed === 0 && problems.length === 0) problems.push("turbo run test failed");
if (passed + failed === 0) problems.push("no test ran");
for (const problem of problems) console.error(problem);
// The last line: the plain count CI reads.
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(turboFailed || failed > 0 || problems.length > 0 ? 1 : 0);
