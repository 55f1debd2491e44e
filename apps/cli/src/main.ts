#!/usr/bin/env node
// The `agentwatch` binary: the only place that touches process.argv, env and the exit code.

const argv = process.argv.slice(2);
if (argv[0] === "hook" && !argv.includes("--help") && !argv.includes("-h")) {
  // Claude Code runs `agentwatch hook` on every hook event: load its small module alone, not the
  // command line parser and the monitor, so it costs little more than Node.js starting.
  const { hookMain } = await import("./commands/hook.js");
  await hookMain(argv.slice(1));
} else {
  const [{ guardStdio }, { createProgram }] = await Promise.all([
    import("@agentwatch/term-ui"),
    import("./program.js"),
  ]);
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
  process.exitCode = await program.run(argv);
}

export {};
