import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/**
 * The settings every package's vitest.config.ts merges in.
 *
 * - The `@agentwatch/source` export condition makes workspace imports resolve to `src/*.ts`,
 *   so tests run on a fresh clone without a prior build.
 * - Node.js resolves dependencies as it does outside tests (no bundler-only `module` condition).
 * - Timeouts are multiplied by `AGENTWATCH_TEST_TIMEOUT_SCALE` (default 1), the one setting that
 *   gives every deadline of the suite more room on a slow or loaded machine (see @agentwatch/test-kit).
 * - Each run writes `.vitest/results.json` (vitest's JSON reporter); `scripts/test-summary.mjs`
 *   adds them up into the one `N passed, M failed` line that CI prints last.
 */
const scale = Number(process.env.AGENTWATCH_TEST_TIMEOUT_SCALE ?? "1") || 1;

export const sharedConfig = defineConfig({
  resolve: { conditions: ["@agentwatch/source", ...defaultClientConditions] },
  // Without "module": that condition is for bundlers, and a package that offers it an ES build with
  // extensionless imports (@opentelemetry/api, which @anthropic-ai/sdk loads when it is installed)
  // cannot be loaded by Node.js from there.
  ssr: {
    resolve: {
      conditions: [
        "@agentwatch/source",
        ...defaultServerConditions.filter((condition) => condition !== "module"),
      ],
    },
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
    testTimeout: 30_000 * scale,
    hookTimeout: 30_000 * scale,
    restoreMocks: true,
  },
});
