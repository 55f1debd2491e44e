// Compiles the scripts that tests start as child processes (test/child/) into JavaScript under
// .vitest/children/, once per run. They import this package by name, so they run its built dist/
// (the package's test task depends on its build: see turbo.json).
import { compileTestChildren } from "@agentwatch/test-kit";

export async function setup(): Promise<void> {
  const scripts = ["read-once", "writer"];
  await compileTestChildren(scripts.map((name) => new URL(`./child/${name}.ts`, import.meta.url)));
}
