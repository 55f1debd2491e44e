import { existsSync } from "node:fs";

/** The flags Chromium needs to run headless as root in a container, without background traffic. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Where Debian's `chromium` package puts the browser. */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/**
 * The system Chromium: `CHROMIUM_PATH` when set (it must exist), else `/usr/bin/chromium`.
 *
 * @throws {Error} naming the install command when there is none (the end-to-end test fails; it
 *   never downloads a browser and is never skipped).
 */
export function chromiumPath(
  env: NodeJS.ProcessEnv = process.env,
  fallback: string = SYSTEM_CHROMIUM,
): string {
  const configured = env.CHROMIUM_PATH;
  const path = configured !== undefined && configured !== "" ? configured : fallback;
  if (!existsSync(path)) {
    const where = path === configured ? `CHROMIUM_PATH=${path} does not exist` : `no ${path}`;
    throw new Error(
      `cannot run the browser tests: ${where}; install Debian's Chromium with \`apt-get install -y chromium\` (or point CHROMIUM_PATH at a Chromium binary)`,
    );
  }
  return path;
}
