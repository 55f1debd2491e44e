// `pnpm demo [flags]`, `pnpm agentwatch [flags]` and friends: builds an app and the packages it
// needs (quietly, through turbo) unless every one of them has a dist newer than its sources, then
// runs it with the flags given. Usage: run-app.mjs <app> <entry> [flags…].
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { builtAndCurrent } from "./workspace-builds.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

const [app, entry, ...rest] = process.argv.slice(2);
const args = rest[0] === "--" ? rest.slice(1) : rest;
if (!builtAndCurrent(root, app)) {
  const build = spawnSync(
    "turbo",
    ["run", "build", `--filter=${app}...`, "--output-logs=errors-only"],
    {
      cwd: root,
      encoding: "utf8",
      env: { TURBO_TELEMETRY_DISABLED: "1", ...process.env },
    },
  );
  if (build.status !== 0) {
    process.stderr.write(build.stdout ?? "");
    process.stderr.write(build.stderr ?? "");
    process.stderr.write(
      `\nbuilding ${app} failed${build.error ? `: ${build.error.message}` : ""}\n`,
    );
    process.exit(1);
  }
}
// Paths the user gives are theirs: the app runs in the directory the command was started from
// (pnpm runs scripts at the workspace root and says where the user was in INIT_CWD).
const run = spawnSync(
  process.execPath,
  [fileURLToPath(new URL(`../${entry}`, import.meta.url)), ...args],
  {
    stdio: "inherit",
    cwd: process.env.INIT_CWD ?? process.cwd(),
  },
);
process.exit(run.status ?? (run.signal === "SIGINT" ? 130 : 1));
