#!/usr/bin/env node
import { guardStdio } from "@agentwatch/term-ui";
import { parseDemoArgs } from "./args.js";
import { DemoError } from "./errors.js";
import { runDemo } from "./run-demo.js";

// The agentwatch demo's entry point: the only place that touches process (argv, env, signals,
// exit code).

const stdio = guardStdio(process);
const controller = new AbortController();
stdio.gone.addEventListener("abort", () => controller.abort(), { once: true });
let interrupts = 0;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  });
}

// Nothing more is written once stdout is gone (a closed terminal, a closed pipe).
const write = (text: string) => {
  if (!stdio.gone.aborted) process.stdout.write(text);
};
try {
  const options = parseDemoArgs(process.argv.slice(2), {
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    write,
  });
  if (options === undefined) process.exit(0);
  if (options.live) write("\u001b[?25l");
  try {
    process.exitCode = await runDemo(options, {
      out: write,
      columns: () => process.stdout.columns ?? 100,
      signal: controller.signal,
      onExit: (action) => {
        process.on("exit", action);
        return () => process.off("exit", action);
      },
    });
  } finally {
    if (options.live) write("\u001b[?25h");
  }
} catch (error) {
  if (error instanceof DemoError) {
    if (!stdio.gone.aborted) process.stderr.write(`agentwatch-demo: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(
      `agentwatch-demo: unexpected error: ${(error as Error).stack ?? String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
