import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Where {@link compileTestChildren} writes, inside the package (so its node_modules resolve). */
const OUT_DIR = join(".vitest", "children");
/** Beside the outputs: which packages each compiled child imports, for {@link testChild}. */
const MANIFEST = "imports.json";

function toPath(file: string | URL): string {
  return file instanceof URL || file.startsWith("file:") ? fileURLToPath(file) : resolve(file);
}

/** The directory of the nearest package.json at or above `path`. */
function packageDirOf(path: string): string {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`${path} is in no package (no package.json above it)`);
  }
}

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly exports?: Record<string, unknown>;
  readonly main?: string;
}

/**
 * Writes `file` whole or not at all (a temp file renamed over it), so that a test of another run
 * in the same package (two `vitest` at once) never starts a half-written child.
 */
function writeAtomically(file: string, contents: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

/** The file Node.js loads for `import "<name>"` of a workspace package, without the source condition. */
function builtEntryOf(dir: string, manifest: Manifest): string | undefined {
  const root = manifest.exports?.["."];
  const target =
    typeof root === "string"
      ? root
      : typeof root === "object" && root !== null
        ? ((root as Record<string, unknown>).import ?? (root as Record<string, unknown>).default)
        : manifest.main;
  return typeof target === "string" ? join(dir, target) : undefined;
}

/**
 * Throws unless `name` (a workspace package imported from `fromDir`), and every workspace package
 * it depends on, has its built entry (`dist/…`) in place.
 */
function assertBuilt(name: string, fromDir: string, seen = new Set<string>()): void {
  if (seen.has(name)) return;
  seen.add(name);
  const own = readManifest(fromDir);
  const dir = own.name === name ? fromDir : join(fromDir, "node_modules", ...name.split("/"));
  if (!existsSync(join(dir, "package.json"))) return; // not a package of ours: Node.js reports it
  const real = realpathSync(dir);
  const manifest = readManifest(real);
  const entry = builtEntryOf(real, manifest);
  if (entry !== undefined && !existsSync(entry)) {
    throw new Error(
      `${name} is not built (${entry} is missing), and a test child process runs its built code: ` +
        "run `pnpm build` first (`pnpm test` builds everything its tests need)",
    );
  }
  for (const [dependency, version] of Object.entries(manifest.dependencies ?? {})) {
    if (version.startsWith("workspace:")) assertBuilt(dependency, real, seen);
  }
}

/**
 * Compiles test helper scripts that tests start as child processes (TypeScript under `test/`)
 * into JavaScript under the package's `.vitest/children/`, once per run: call it from the
 * package's vitest `globalSetup`. Each child is bundled with the helpers it imports relatively,
 * while packages stay imports, so Node.js loads the package's built code (`dist/`), as a user
 * runs it. A child may not import the package's `src/` by path: it imports the package by name.
 * Start the result with {@link testChild}.
 *
 * @throws {Error} when a child does not compile, naming the file and the problem.
 * @example
 * export async function setup(): Promise<void> {
 *   await compileTestChildren([new URL("./children/writer.ts", import.meta.url)]);
 * }
 */
export async function compileTestChildren(entries: readonly (string | URL)[]): Promise<void> {
  const { build } = await import("esbuild");
  const byPackage = new Map<string, string[]>();
  for (const entry of entries.map(toPath)) {
    const dir = packageDirOf(entry);
    byPackage.set(dir, [...(byPackage.get(dir) ?? []), entry]);
  }
  for (const [packageDir, files] of byPackage) {
    const outdir = join(packageDir, OUT_DIR);
    const source = join(packageDir, "src") + sep;
    const name = readManifest(packageDir).name;
    const result = await build({
      entryPoints: files,
      outbase: packageDir,
      outdir,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      metafile: true,
      write: false,
      logLevel: "silent",
      plugins: [
        {
          name: "no-source-imports",
          setup(esbuild) {
            esbuild.onResolve({ filter: /^\.\.?\// }, (args) => {
              if (!resolve(args.resolveDir, args.path).startsWith(source)) return undefined;
              return {
                errors: [
                  {
                    text: `${relative(packageDir, args.importer)} imports ${args.path}: import "${name}" instead, so that the child runs the built code`,
                  },
                ],
              };
            });
          },
        },
      ],
    });
    for (const output of result.outputFiles) writeAtomically(output.path, output.contents);
    const imports: Record<string, string[]> = {};
    for (const [output, meta] of Object.entries(result.metafile.outputs)) {
      const key = relative(outdir, resolve(process.cwd(), output));
      imports[key] = meta.imports
        .filter((i) => i.external && !i.path.startsWith("node:") && /^[@a-z]/.test(i.path))
        .map((i) => i.path);
    }
    writeAtomically(join(outdir, MANIFEST), `${JSON.stringify(imports, null, 2)}\n`);
  }
}

/**
 * The built JavaScript of a test child compiled by {@link compileTestChildren}, given its
 * TypeScript source (`new URL("./children/writer.ts", import.meta.url)`).
 *
 * @throws {Error} when it was not compiled (no globalSetup calling compileTestChildren), or when a
 * workspace package it imports is not built, saying what to run.
 */
export function testChild(source: string | URL): string {
  const path = toPath(source);
  const packageDir = packageDirOf(path);
  const outdir = join(packageDir, OUT_DIR);
  const key = relative(packageDir, path).replace(/\.[cm]?ts$/, ".js");
  const script = join(outdir, key);
  if (!existsSync(script)) {
    throw new Error(
      `${script} is missing: compile ${relative(packageDir, path)} with compileTestChildren in the vitest globalSetup of ${packageDir}`,
    );
  }
  const imports = (
    JSON.parse(readFileSync(join(outdir, MANIFEST), "utf8")) as Record<string, string[]>
  )[key];
  for (const name of imports ?? []) {
    const bare = name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0]!;
    assertBuilt(bare, packageDir);
  }
  return script;
}

/**
 * `file` (a built file of a package, such as `dist/main.js`), after checking that it is there.
 *
 * @throws {Error} when it is missing, saying to build first.
 */
export function builtFile(file: string | URL): string {
  const path = toPath(file);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: run \`pnpm build\` first (\`pnpm test\` builds everything its tests need)`,
    );
  }
  assertBuilt(readManifest(packageDirOf(path)).name, packageDirOf(path));
  return path;
}
