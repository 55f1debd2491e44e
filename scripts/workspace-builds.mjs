// Whether a workspace app and the workspace packages it depends on are built and up to date,
// judged by file times: every package's newest file under dist/ is newer than its newest source
// (src/, package.json, tsconfig.build.json). Used to skip turbo (seconds) when nothing changed.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The directory of every workspace package, by name. */
function workspacePackages(root) {
  const found = new Map();
  for (const group of ["packages", "apps"]) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const manifest = join(dir, name, "package.json");
      if (!existsSync(manifest)) continue;
      found.set(JSON.parse(readFileSync(manifest, "utf8")).name, join(dir, name));
    }
  }
  return found;
}

/** The newest modification time of the files under `path` but tests (0 when there are none). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry.endsWith(".test.ts")) continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

/** The app and every workspace package it depends on, at any depth. */
function closure(packages, app) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name) || !packages.has(name)) return;
    seen.add(name);
    const manifest = JSON.parse(readFileSync(join(packages.get(name), "package.json"), "utf8"));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep);
  };
  visit(app);
  return [...seen].map((name) => packages.get(name));
}

/** True when `app` and its workspace dependencies all have a dist newer than their sources. */
export function builtAndCurrent(root, app) {
  const packages = workspacePackages(root);
  if (!packages.has(app)) return false;
  return closure(packages, app).every((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    if (manifest.scripts?.build === undefined) return true;
    const built = newest(join(dir, "dist"));
    const sources = Math.max(
      newest(join(dir, "src")),
      newest(join(dir, "package.json")),
      newest(join(dir, "tsconfig.build.json")),
    );
    return built > 0 && built >= sources;
  });
}
