// `pnpm demo [flags]` and friends: builds an app and the packages it needs (quietly; turbo's cache makes it
// instant after the first time), then runs it with the flags given. Usage: run-app.mjs <app> <entry>.
import { spawnSync } from "node:child_process";

const [app, entry, ...rest] = process.argv.slice(2);
const args = rest[0] === "--" ? rest.slice(1) : rest;
const build = spawnSync(
  "turbo",
  ["run", "build", `--filter=${app}...`, "--output-logs=errors-only"],
  {
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
const run = spawnSync(process.execPath, [entry, ...args], { stdio: "inherit" });
process.exit(run.status ?? (run.signal === "SIGINT" ? 130 : 1));
