// Compiles the service that resume-after-kill.test.ts starts and kills into JavaScript under
// .vitest/children/, once per run. It imports this package by name, so it runs its built dist/
// (the package's test task depends on its build: see turbo.json).
import { compileTestChildren } from "@agentwatch/test-kit";

export async function setup(): Promise<void> {
  await compileTestChildren([new URL("./helpers/run-service.ts", import.meta.url)]);
}
