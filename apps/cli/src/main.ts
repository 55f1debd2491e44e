#!/usr/bin/env node
import { createProgram } from "./program.js";

// The `agentwatch` binary: the only place that touches process.argv, env and the exit code.
const program = createProgram({ stdout: process.stdout, stderr: process.stderr, env: process.env });
process.exitCode = await program.run(process.argv.slice(2));
