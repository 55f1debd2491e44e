import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CaseError } from "./errors.js";
import { type EvalCase, parseCaseMeta } from "./eval-case.js";

/** The file in a case directory that holds its metadata and truth. */
export const CASE_FILE = "case.json";
/** The file in a case directory that holds the terminal log. */
export const LOG_FILE = "terminal.log";

/** The set that ships with this package: `packages/eval/cases`. */
export const DEFAULT_CASES_DIR = fileURLToPath(new URL("../cases", import.meta.url));

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Options of `loadCases`. */
export interface LoadCasesOptions {
  /** Only these case ids (all when absent). */
  readonly only?: readonly string[] | undefined;
}

/**
 * Loads every case under `dir` (one directory per case, with `case.json` and `terminal.log`),
 * ordered by id.
 *
 * @throws {CaseError} naming the directory or file that is missing or malformed, a directory
 *   whose name is not its case's id, or an id asked for in `only` that does not exist.
 * @example
 * const cases = await loadCases(DEFAULT_CASES_DIR);
 */
export async function loadCases(
  dir: string = DEFAULT_CASES_DIR,
  options: LoadCasesOptions = {},
): Promise<EvalCase[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    throw new CaseError(
      `cannot read the cases directory ${dir}: ${(error as Error).message}; pass --cases with a directory of case directories`,
      { cause: error },
    );
  }
  const only = options.only === undefined ? undefined : new Set(options.only);
  if (only !== undefined) {
    const missing = [...only].filter((id) => !names.includes(id));
    if (missing.length > 0) throw new CaseError(`no such case in ${dir}: ${missing.join(", ")}`);
    names = names.filter((name) => only.has(name));
  }
  const cases: EvalCase[] = [];
  for (const name of names) cases.push(await loadCase(join(dir, name)));
  return cases;
}

/**
 * Loads one case directory.
 *
 * @throws {CaseError} when its `case.json`, `terminal.log` or transcript file is missing or
 *   malformed.
 */
export async function loadCase(caseDir: string): Promise<EvalCase> {
  const metaPath = join(caseDir, CASE_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(metaPath, "utf8"));
  } catch (error) {
    const reason = errnoCode(error) === "ENOENT" ? "it does not exist" : (error as Error).message;
    throw new CaseError(`cannot load ${metaPath}: ${reason}; every case directory needs one`, {
      cause: error,
    });
  }
  const meta = parseCaseMeta(raw, metaPath);
  const dirName = caseDir.split(/[\\/]/).filter(Boolean).pop();
  if (dirName !== meta.id)
    throw new CaseError(
      `${metaPath}: "id" is ${meta.id} but the directory is ${dirName}; make them the same`,
    );
  let log: Buffer;
  try {
    log = await readFile(join(caseDir, LOG_FILE));
  } catch (error) {
    throw new CaseError(
      `cannot read ${join(caseDir, LOG_FILE)}: ${(error as Error).message}; every case needs its terminal log`,
      { cause: error },
    );
  }
  let session: Buffer | null = null;
  if (meta.transcript !== null) {
    const path = join(caseDir, meta.transcript.file);
    try {
      session = await readFile(path);
    } catch (error) {
      throw new CaseError(
        `cannot read ${path}: ${(error as Error).message}; a case with a "transcript" needs its file (or drop "transcript" from case.json)`,
        { cause: error },
      );
    }
  }
  return { ...meta, dir: caseDir, log, session };
}
