import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The fixture directory. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

/** Splits text as IncrementalLogReader does: on `\n`, one trailing `\r` removed, no empty last line. */
export function splitLogLines(text: string): string[] {
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** The lines of a fixture log. */
export function fixtureLines(name: string): string[] {
  return splitLogLines(readFileSync(join(FIXTURES, name), "utf8"));
}

/** Names of every fixture log, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith(".log"))
    .sort();
}

/** What a fixture's `<name>.expected.json` holds. */
export interface FixtureExpectation {
  /** What the fixture shows, in words. */
  readonly description: string;
  readonly now: string;
  readonly last_output_at: string | null;
  /** Every fact of the analysis except `carry`. */
  readonly facts: Record<string, unknown>;
}

/** The expectation of a fixture log. */
export function fixtureExpectation(name: string): FixtureExpectation {
  const path = join(FIXTURES, name.replace(/\.log$/, ".expected.json"));
  return JSON.parse(readFileSync(path, "utf8")) as FixtureExpectation;
}
