// The public packages as a user gets them: packed by pnpm (as `pnpm release` publishes them, through
// `changeset publish`, which runs `pnpm publish`), installed by npm into an empty project outside
// the workspace, loaded by name from ESM and CommonJS, and type-checked by a TypeScript consumer.
// One pack and one install serve every test of this file.
import { existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { runNode, scaled } from "@agentwatch/test-kit";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertSucceeded, registryEnv, runCommand } from "./run-command.js";
import {
  type Manifest,
  ROOT,
  installedDependencies,
  manifestTargets,
  publicPackages,
  readManifest,
} from "./workspace.js";

const packages = publicPackages();
const names = packages.map(({ manifest }) => manifest.name);
const rootManifest = readManifest(join(ROOT, "package.json"));
const typescriptBin = join(ROOT, "node_modules", "typescript", "bin", "tsc");

let work: string;
/** Where npm installed the tarballs: an empty project outside the workspace. */
let consumer: string;
/** Each package's manifest as packed, by name. */
const packed = new Map<string, Manifest>();
/** Each package's unpacked tarball, by name. */
const unpacked = new Map<string, string>();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "agentwatch-release-check-"));
  const tarballs = join(work, "tarballs");
  await mkdir(tarballs);
  const env = registryEnv();

  // One pnpm call packs them all; pnpm writes real versions where package.json says workspace:*.
  const filters = names.flatMap((name) => ["--filter", name]);
  const pack = await runCommand(
    "pnpm",
    ["--recursive", ...filters, "pack", "--pack-destination", tarballs],
    { cwd: ROOT, env, timeoutMs: 180_000 },
  );
  assertSucceeded("pnpm pack", pack);
  const files = readdirSync(tarballs).filter((file) => file.endsWith(".tgz"));
  for (const { manifest } of packages) {
    const file = `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`;
    if (!files.includes(file)) throw new Error(`pnpm pack left no ${file} in ${tarballs}`);
    const dir = join(work, "unpacked", manifest.name);
    await mkdir(dir, { recursive: true });
    assertSucceeded(
      `unpacking ${file}`,
      await runCommand("tar", ["-xzf", join(tarballs, file), "-C", dir], {
        cwd: work,
        timeoutMs: 30_000,
      }),
    );
    unpacked.set(manifest.name, join(dir, "package"));
    packed.set(manifest.name, readManifest(join(dir, "package", "package.json")));
  }

  consumer = join(work, "consumer");
  await mkdir(consumer);
  await writeFile(
    join(consumer, "package.json"),
    `${JSON.stringify({ name: "release-check-consumer", private: true, type: "module" }, null, 2)}\n`,
  );
  // Types for Node.js, as a TypeScript user of Node libraries has them (the workspace's version).
  const typesNode = rootManifest.devDependencies?.["@types/node"] ?? "20";
  const install = await runCommand(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--engine-strict",
      ...files.map((file) => join(tarballs, file)),
      `@types/node@${typesNode}`,
    ],
    { cwd: consumer, env, timeoutMs: 300_000 },
  );
  assertSucceeded("npm install of the packed tarballs", install);
}, scaled(600_000));

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe("the release path", () => {
  it("`pnpm release` publishes with changesets through pnpm, publicly", async () => {
    // changeset publish runs `pnpm publish` (which rewrites workspace:* like pnpm pack) when the
    // repository is a pnpm one, and `npm publish` (which does not) otherwise.
    // It checks the tarballs (this test) before it publishes them.
    expect(rootManifest.scripts?.release).toMatch(
      /turbo run test --filter=@agentwatch\/release-check && changeset publish$/,
    );
    expect(rootManifest.packageManager).toMatch(/^pnpm@/);
    expect(existsSync(join(ROOT, "pnpm-lock.yaml"))).toBe(true);
    const changesets = JSON.parse(
      await readFile(join(ROOT, ".changeset", "config.json"), "utf8"),
    ) as { access?: string };
    expect(changesets.access).toBe("public");
  });

  it("every public package is a dev dependency of this one, so turbo builds it before this test", async () => {
    const own = JSON.parse(
      await readFile(new URL("../package.json", import.meta.url), "utf8"),
    ) as Manifest;
    const missing = names.filter((name) => own.devDependencies?.[name] !== "workspace:*");
    expect(missing, "add them to packages/release-check/package.json").toEqual([]);
  });

  it("every public package is imported by the TypeScript consumer this test type-checks", async () => {
    const consumerText = await readFile(new URL("./consumer/index.ts", import.meta.url), "utf8");
    const missing = names.filter((name) => !consumerText.includes(`from "${name}";`));
    expect(
      missing,
      "import their main types in packages/release-check/test/consumer/index.ts",
    ).toEqual([]);
  });
});

for (const { manifest } of packages) {
  const name = manifest.name;
  describe(`${name} as packed`, () => {
    it("names real versions of the workspace packages it depends on, never workspace:", () => {
      const manifestAsPacked = packed.get(name)!;
      for (const [dependency, range] of installedDependencies(manifestAsPacked)) {
        expect(range, `${name} → ${dependency}`).not.toMatch(/^workspace:/);
        const sibling = packages.find((pkg) => pkg.manifest.name === dependency);
        if (sibling !== undefined) expect(range).toBe(sibling.manifest.version);
      }
      const dependencyNames = (of: Manifest) =>
        installedDependencies(of)
          .map(([dependency]) => dependency)
          .sort();
      expect(dependencyNames(manifestAsPacked)).toEqual(dependencyNames(manifest));
    });

    it("holds every file its main, types and exports point to", () => {
      const dir = unpacked.get(name)!;
      const targets = manifestTargets(packed.get(name)!);
      expect(targets).toContain("./dist/index.js");
      const missing = targets.filter((target) => !existsSync(join(dir, target)));
      expect(missing, `files missing from ${name}'s tarball`).toEqual([]);
    });

    it("requires the Node.js versions the repository supports", () => {
      expect(packed.get(name)!.engines?.node).toBe(rootManifest.engines?.node);
    });
  });
}

describe("installed from the tarballs with npm", () => {
  it("each package's every dependency allows the oldest supported Node.js", async () => {
    const oldest = semver.minVersion(rootManifest.engines!.node!)!.version;
    const refused: string[] = [];
    for (const path of await installedManifests(join(consumer, "node_modules"))) {
      const { name, version, engines } = readManifest(path);
      const range = engines?.node;
      if (range !== undefined && !semver.satisfies(oldest, range)) {
        refused.push(`${name}@${version} (engines.node ${range}) at ${relative(consumer, path)}`);
      }
    }
    expect(refused, `dependencies that refuse Node.js ${oldest}`).toEqual([]);
  });

  /**
   * The export names of every package as a script in the consumer project sees them, loading each
   * with `load` (`await import(name)` or `require(name)`); the script must print nothing else.
   */
  async function exportsLoadedBy(file: string, load: string): Promise<unknown> {
    const script = join(consumer, file);
    await writeFile(
      script,
      `const names = ${JSON.stringify(names)};\n` +
        "const found = {};\n" +
        `for (const name of names) found[name] = Object.keys(${load}).sort();\n` +
        "console.log(JSON.stringify(found));\n",
    );
    const run = await runNode(script, [], { cwd: consumer, timeoutMs: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as unknown;
  }

  it(
    "each package imports by name from an ES module, with the workspace's exports",
    async () => {
      expect(await exportsLoadedBy("import-all.mjs", "await import(name)")).toEqual(
        await workspaceExports(),
      );
    },
    scaled(90_000),
  );

  it(
    "each package loads with require() from CommonJS (Node.js 20.19 and later)",
    async () => {
      expect(await exportsLoadedBy("require-all.cjs", "require(name)")).toEqual(
        await workspaceExports(),
      );
    },
    scaled(90_000),
  );

  it(
    "a TypeScript consumer type-checks against the published types (strict, skipLibCheck false)",
    async () => {
      for (const file of ["index.ts", "require.cts"]) {
        await copyFile(new URL(`./consumer/${file}`, import.meta.url), join(consumer, file));
      }
      await writeFile(
        join(consumer, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2023",
            lib: ["ES2023"],
            module: "NodeNext",
            moduleResolution: "NodeNext",
            types: ["node"],
            strict: true,
            skipLibCheck: false,
            noEmit: true,
          },
          include: ["index.ts", "require.cts"],
        }),
      );
      const run = await runNode(typescriptBin, ["-p", join(consumer, "tsconfig.json")], {
        cwd: consumer,
        timeoutMs: 120_000,
      });
      expect(`${run.stdout}${run.stderr}`).toBe("");
      expect(run.code).toBe(0);
    },
    scaled(150_000),
  );
});

/** The export names of each public package as the workspace builds it, by package name. */
async function workspaceExports(): Promise<Record<string, string[]>> {
  const exports: Record<string, string[]> = {};
  for (const name of names) {
    exports[name] = Object.keys((await import(name)) as object).sort();
  }
  return exports;
}

/** The package.json of every package under a node_modules directory, nested ones included. */
async function installedManifests(nodeModules: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const dirs = entry.name.startsWith("@")
      ? readdirSync(join(nodeModules, entry.name)).map((scoped) => join(entry.name, scoped))
      : [entry.name];
    for (const dir of dirs) {
      const manifest = join(nodeModules, dir, "package.json");
      if (existsSync(manifest)) found.push(manifest);
      const nested = join(nodeModules, dir, "node_modules");
      if (existsSync(nested)) found.push(...(await installedManifests(nested)));
    }
  }
  return found;
}
