// `pnpm run install-cli [--bin-dir DIR] [--force]`: builds the agentwatch CLI once and puts an
// `agentwatch` command in DIR (default $AGENTWATCH_BIN_DIR, else ~/.local/bin), a two-line
// launcher that runs this clone's apps/cli/dist/main.js. Run it again after pulling changes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { builtAndCurrent } from "./workspace-builds.mjs";

const MARK = "# agentwatch launcher, written by pnpm run install-cli";
const root = fileURLToPath(new URL("..", import.meta.url));
const main = join(root, "apps", "cli", "dist", "main.js");

function fail(message) {
  process.stderr.write(`install-cli: ${message}\n`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({
    options: { "bin-dir": { type: "string" }, force: { type: "boolean", default: false } },
  }));
} catch (error) {
  fail(`${error.message}; usage: pnpm run install-cli [--bin-dir DIR] [--force]`);
}
const home = process.env.HOME ?? homedir();
const binDir = resolve(
  process.env.INIT_CWD ?? process.cwd(),
  values["bin-dir"] ?? process.env.AGENTWATCH_BIN_DIR ?? join(home, ".local", "bin"),
);

if (!builtAndCurrent(root, "@agentwatch/cli")) {
  process.stdout.write("building agentwatch…\n");
  const build = spawnSync(
    "turbo",
    ["run", "build", "--filter=@agentwatch/cli...", "--output-logs=errors-only"],
    { cwd: root, stdio: "inherit", env: { TURBO_TELEMETRY_DISABLED: "1", ...process.env } },
  );
  if (build.status !== 0) fail("the build failed (see above)");
}

const target = join(binDir, "agentwatch");
if (existsSync(target) && !values.force && !readFileSync(target, "utf8").includes(MARK)) {
  fail(`${target} exists and is not an agentwatch launcher; remove it or pass --force`);
}
try {
  mkdirSync(binDir, { recursive: true });
  writeFileSync(target, `#!/bin/sh\n${MARK}\nexec node ${JSON.stringify(main)} "$@"\n`);
  chmodSync(target, 0o755);
} catch (error) {
  fail(`cannot write ${target}: ${error.message}; choose another directory with --bin-dir`);
}
process.stdout.write(`installed ${target} → ${main}\n`);
const onPath = (process.env.PATH ?? "").split(delimiter).some((dir) => resolve(dir) === binDir);
if (!onPath) {
  process.stdout.write(
    `${binDir} is not on your PATH; add it, for example in ~/.profile:\n  export PATH="${binDir}:$PATH"\n`,
  );
}
