import { fileURLToPath } from "node:url";
import { build } from "vite";

const APP_DIR = fileURLToPath(new URL("../../", import.meta.url));

/** Builds the dashboard with Vite into `outDir`, as `pnpm build` does into `dist`. */
export async function buildDashboard(outDir: string): Promise<void> {
  await build({
    configFile: `${APP_DIR}vite.config.ts`,
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
}
