// Compiles the scripts that tests start as child processes (test/children/) into JavaScript under
// .vitest/children/, once per run. They import this package by name, so they run its built dist/
// (the package's test task depends on its build: see turbo.json).
import { compileTestChildren } from "@agentwatch/test-kit";

export async function setup(): Promise<void> {
  const scripts = ["hold-lock", "kill-loop", "limited-writer", "update-loop"];
  await compileTestChildren(
    scripts.map((name) => new URL(`./children/${name}.ts`, import.meta.url)),
  );
}
