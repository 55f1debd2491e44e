#!/usr/bin/env node
import { guardStdio } from "@agentwatch/term-ui";
import { createProgram } from "./program.js";

// The `agentwatch` binary: the only place that touches process.argv, env and the exit code.
const stdio = guardStdio(process);
const program = createProgram({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  gone: stdio.gone,
  onOutputError: stdio.report,
  self: process.argv[1],
  cwd: process.cwd(),
});
process.exitCode = await program.run(process.argv.slice(2));
