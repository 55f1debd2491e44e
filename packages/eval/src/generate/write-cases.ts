// Writes packages/eval/cases/<id>/ from the case specs: `tsx src/generate/write-cases.ts`.
// The files are committed; a test checks they match what this script makes.
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { CASE_FILE, DEFAULT_CASES_DIR, LOG_FILE } from "../load-cases.js";
import { ALL_CASES, generate } from "./all-cases.js";

const ids = new Set<string>();
for (const spec of ALL_CASES) {
  if (ids.has(spec.id)) throw new Error(`duplicate case id ${spec.id}`);
  ids.add(spec.id);
}
await mkdir(DEFAULT_CASES_DIR, { recursive: true });
for (const name of await readdir(DEFAULT_CASES_DIR)) {
  if (!ids.has(name)) await rm(join(DEFAULT_CASES_DIR, name), { recursive: true, force: true });
}
for (const spec of ALL_CASES) {
  const { meta, built } = generate(spec);
  const dir = join(DEFAULT_CASES_DIR, spec.id);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const metaPath = join(dir, CASE_FILE);
  const style = (await resolveConfig(metaPath)) ?? {};
  // As prettier would write it, so that `pnpm format:check` agrees with the generator.
  await writeFile(metaPath, await format(JSON.stringify(meta), { ...style, parser: "json" }));
  await writeFile(join(dir, LOG_FILE), built.log);
  if (built.transcript !== undefined)
    await writeFile(join(dir, built.transcript.form.file), built.transcript.text);
}
process.stdout.write(`wrote ${ALL_CASES.length} cases to ${DEFAULT_CASES_DIR}\n`);
