// `pnpm check:readme`: every TypeScript example in every README is checked. It takes the ```ts
// blocks of README.md, packages/*/README.md and apps/*/README.md, writes each to a file of a temp
// project whose @agentwatch/* packages are the workspace's own sources (no build needed), and
// type-checks them all with the workspace's tsc (tsconfig.base.json: strict, NodeNext). Blocks marked
// runnable are then run, two at a time, each with tsx in a fresh temp directory (also its TMPDIR),
// without ANTHROPIC_API_KEY or AGENTWATCH_* variables, and must exit 0 within a deadline.
//
// How a block is marked, by the words after the language in its fence (`ts` or `typescript`):
//
//   ```ts            an example: type-checked; it must define or import every name it uses
//   ```ts runnable   an example that is also run: self-contained, writes only under mkdtemp
//   ```ts signature  an API summary (signatures, `new X({ a = 1 })`, comments): not checked
//
// Any other word is an error, so a typo cannot turn a check off. A checked block must not name
// /tmp/madrox_logs (the CLI's default directories, which an example must never write into).
// Exits 1 when an example fails to type-check, a runnable one fails, or a fence is malformed.
//
// Usage: node scripts/check-readme-examples.mjs [--no-run] [--keep] [file.md ...]
//   --no-run   type-check only          --keep   leave the temp project and say where it is
// Deadlines are multiplied by AGENTWATCH_TEST_TIMEOUT_SCALE, as the tests' are.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MARKERS = new Set(["runnable", "signature"]);
const FORBIDDEN = "/tmp/madrox_logs";
const scale = Number(process.env.AGENTWATCH_TEST_TIMEOUT_SCALE ?? "1") || 1;
const TYPECHECK_DEADLINE_MS = 180_000 * scale;
const RUN_DEADLINE_MS = 60_000 * scale;

const args = process.argv.slice(2).filter((arg) => arg !== "--");
const run = !args.includes("--no-run");
const keep = args.includes("--keep");
const only = args.filter((arg) => !arg.startsWith("--")).map((path) => resolve(path));

/** The Markdown files named on the command line, else README.md of the root, every package and app. */
function readmes() {
  if (only.length > 0) return only;
  const found = [join(ROOT, "README.md")];
  for (const group of ["packages", "apps"]) {
    for (const name of readdirSync(join(ROOT, group)).sort()) {
      const path = join(ROOT, group, name, "README.md");
      if (existsSync(path)) found.push(path);
    }
  }
  return found;
}

/**
 * The fenced code blocks of a Markdown text: `{ lang, words, line, code }`, `line` being the
 * 1-based line of the block's first code line. Indented fences (in list items) count too.
 */
function fencedBlocks(text, readme, problems) {
  const blocks = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (open === null) continue;
    const [, indent, fence, info] = open;
    const [lang = "", ...words] = info.trim().split(/\s+/).filter(Boolean);
    const code = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).exec(lines[j]);
      if (close !== null) break;
      code.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    if (j === lines.length) {
      problems.push(`${readme}:${i + 1}: a code fence that is never closed`);
    }
    blocks.push({ lang: lang.toLowerCase(), words, line: i + 2, code: code.join("\n") });
    i = j;
  }
  return blocks;
}

/** Runs a command, output piped; resolves with its exit code and output, or a timeout. */
function execute(command, commandArgs, { cwd, env, deadlineMs }) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, commandArgs, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, deadlineMs);
    child.stdout.setEncoding("utf8").on("data", (text) => (output += text));
    child.stderr.setEncoding("utf8").on("data", (text) => (output += text));
    child.on("error", (error) => {
      clearTimeout(timer);
      resolvePromise({ code: null, output: `${output}${error.message}\n`, timedOut });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output, timedOut });
    });
  });
}

/** name → directory of every workspace package. */
function workspacePackages() {
  const found = new Map();
  for (const group of ["packages", "apps"]) {
    for (const name of readdirSync(join(ROOT, group)).sort()) {
      const manifest = join(ROOT, group, name, "package.json");
      if (existsSync(manifest)) {
        found.set(JSON.parse(readFileSync(manifest, "utf8")).name, join(ROOT, group, name));
      }
    }
  }
  return found;
}

const started = Date.now();
const problems = [];
const examples = [];
let skipped = 0;
for (const path of readmes()) {
  const readme = relative(ROOT, path);
  for (const block of fencedBlocks(readFileSync(path, "utf8"), readme, problems)) {
    if (block.lang !== "ts" && block.lang !== "typescript") continue;
    const unknown = block.words.filter((word) => !MARKERS.has(word));
    if (unknown.length > 0) {
      problems.push(
        `${readme}:${block.line - 1}: unknown marker "${unknown.join(" ")}" after ts (use runnable or signature)`,
      );
      continue;
    }
    if (block.words.includes("signature")) {
      skipped++;
      continue;
    }
    if (block.code.includes(FORBIDDEN)) {
      problems.push(
        `${readme}:${block.line - 1}: an example names ${FORBIDDEN}, the CLI's default directory; use a directory from mkdtemp`,
      );
    }
    examples.push({
      readme,
      line: block.line,
      code: block.code,
      runnable: block.words.includes("runnable"),
    });
  }
}

const work = await mkdtemp(join(tmpdir(), "readme-examples-"));
try {
  // A project outside the workspace whose node_modules links every workspace package and the
  // workspace's @types; tsconfig.base.json's customConditions resolve the packages to src/*.ts.
  await mkdir(join(work, "node_modules", "@agentwatch"), { recursive: true });
  for (const [name, dir] of workspacePackages()) {
    if (name.startsWith("@agentwatch/"))
      await symlink(dir, join(work, "node_modules", name), "dir");
  }
  await symlink(join(ROOT, "node_modules", "@types"), join(work, "node_modules", "@types"), "dir");
  await writeFile(join(work, "package.json"), '{ "private": true, "type": "module" }\n');
  const files = new Map();
  for (const [index, example] of examples.entries()) {
    const name = `${String(index).padStart(2, "0")}-${example.readme.replace(/[/\\]/g, "_")}-L${example.line}.ts`;
    example.file = join(work, "examples", name);
    files.set(example.file, example);
  }
  await mkdir(join(work, "examples"));
  for (const example of examples) await writeFile(example.file, `${example.code}\n`);
  await writeFile(
    join(work, "tsconfig.json"),
    JSON.stringify(
      {
        extends: join(ROOT, "tsconfig.base.json"),
        compilerOptions: { noEmit: true, moduleDetection: "force", types: ["node"] },
        include: ["examples/*.ts"],
      },
      null,
      2,
    ),
  );

  if (examples.length > 0) {
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const checked = await execute(
      process.execPath,
      [tsc, "-p", join(work, "tsconfig.json"), "--pretty", "false"],
      { cwd: work, env: process.env, deadlineMs: TYPECHECK_DEADLINE_MS },
    );
    if (checked.timedOut) problems.push(`tsc did not finish within ${TYPECHECK_DEADLINE_MS} ms`);
    else if (checked.code !== 0) {
      // path(line,col): error TS…: message, mapped back to the README's lines.
      for (const line of checked.output.trimEnd().split("\n")) {
        const at = /^(.*?)\((\d+),(\d+)\): (.*)$/.exec(line);
        const example = at === null ? undefined : files.get(resolve(work, at[1]));
        if (example !== undefined) {
          problems.push(`${example.readme}:${example.line + Number(at[2]) - 1}:${at[3]}: ${at[4]}`);
        } else problems.push(line);
      }
    }
  }

  const loader = pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key !== "ANTHROPIC_API_KEY" && !key.startsWith("AGENTWATCH_"),
    ),
  );
  // Two at a time (the project's machines have 2 cores); problems are reported in README order.
  const checkFailed = problems.length > 0; // run nothing that did not type-check
  const queue = examples.filter((example) => run && example.runnable && !checkFailed);
  const failures = new Map();
  const worker = async () => {
    for (let example = queue.shift(); example !== undefined; example = queue.shift()) {
      const cwd = await mkdtemp(join(work, "run-"));
      const result = await execute(
        process.execPath,
        ["--conditions=@agentwatch/source", "--import", loader, example.file],
        { cwd, env: { ...env, TMPDIR: cwd }, deadlineMs: RUN_DEADLINE_MS },
      );
      if (result.code !== 0) {
        const why = result.timedOut
          ? `did not exit within ${RUN_DEADLINE_MS} ms`
          : `exited ${result.code}`;
        const output = result.output.trimEnd().replace(/^/gm, "    ");
        failures.set(
          example,
          `${example.readme}:${example.line - 1}: the runnable example ${why}:\n${output}`,
        );
      }
    }
  };
  const ran = queue.length;
  await Promise.all([worker(), worker()]);
  for (const example of examples) if (failures.has(example)) problems.push(failures.get(example));

  const runnable = examples.filter((example) => example.runnable).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const problem of problems) console.error(problem);
  console.log(
    `README examples: ${examples.length} type-checked, ${ran} of ${runnable} runnable run` +
      `${run ? "" : " (--no-run)"}, ${skipped} signature blocks skipped, ${problems.length} problems (${seconds} s)`,
  );
} finally {
  if (keep) console.log(`temp project kept at ${work}`);
  else await rm(work, { recursive: true, force: true });
}
process.exit(problems.length > 0 ? 1 : 0);
