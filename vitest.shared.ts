import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/**
 * The settings every package's vitest.config.ts merges in.
 *
 * - The `@agentwatch/source` export condition makes workspace imports resolve to `src/*.ts`,
 *   so tests run on a fresh clone without a prior build.
 * - Each run writes `.vitest/results.json` (vitest's JSON reporter); `scripts/test-summary.mjs`
 *   adds them up into the one `N passed, M failed` line that CI prints last.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ["@agentwatch/source", ...defaultClientConditions] },
  ssr: { resolve: { conditions: ["@agentwatch/source", ...defaultServerConditions] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    restoreMocks: true,
  },
});
