#!/usr/bin/env node
// `pnpm eval`: the runner's process (arguments, output, exit code); the work is in cli.ts.
import { evalCommand } from "./cli.js";

const code = await evalCommand(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
