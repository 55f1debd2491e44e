// `pnpm --filter @agentwatch/config docs`: writes the field table of README.md, between its marker
// comments, from CONFIG_FIELDS and DEFAULT_CONFIG. `-- --check` only compares, and exits 1 when the
// README differs. test/readme-table.test.ts fails when the README is out of date.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CONFIG_FIELDS, DEFAULT_CONFIG, type FieldSpec } from "../src/fields.js";

/** The README this script keeps up to date. */
export const README_PATH = fileURLToPath(new URL("../README.md", import.meta.url));
/** The command that rewrites the table, for messages. */
export const DOCS_COMMAND = "pnpm --filter @agentwatch/config docs";
/** The comment line before the generated table. */
export const TABLE_START = `<!-- config-fields:start: generated from CONFIG_FIELDS and DEFAULT_CONFIG by \`${DOCS_COMMAND}\`; do not edit by hand -->`;
/** The comment line after it. */
export const TABLE_END = "<!-- config-fields:end -->";

const VALUES: Record<string, string> = {
  "positive-integer": "a positive integer",
  port: "a port, 0 to 65535",
  path: "a non-empty path",
  string: "a non-empty string",
  "optional-string": "a string; may be empty",
  boolean: "a boolean",
  "string-list": "a list of strings",
  "price-table": "model ids to USD per million tokens",
};

/** Escapes what Markdown would otherwise read in a table cell (pipes, tags, emphasis). */
function escapeCell(text: string): string {
  return text.replace(/[\\|<>*]/g, (character) => `\\${character}`);
}

/** A default value as a code span: strings as they are (`""` when empty), others as JSON. */
function showDefault(value: unknown): string {
  if (value === undefined) return "none";
  const text = typeof value === "string" && value !== "" ? value : JSON.stringify(value);
  return `\`${text.replace(/`/g, "'")}\``;
}

/** What a field accepts, from its kind and maximum. */
function showValue(spec: FieldSpec): string {
  const value = VALUES[spec.kind] ?? spec.kind;
  return spec.max === undefined ? value : `${value}, at most ${spec.max.value} (${spec.max.why})`;
}

/** Pads every column to its widest cell, as Prettier formats a Markdown table. */
function formatTable(rows: readonly (readonly string[])[]): string {
  const width = (text: string) => [...text].length;
  const widths = rows[0]!.map((_, column) =>
    Math.max(3, ...rows.map((row) => width(row[column]!))),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell + " ".repeat(widths[column]! - width(cell))).join(" | ")} |`;
  const [header, ...body] = rows;
  return [line(header!), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/**
 * The field table: one row per field of `fields`, in their order, with its default from
 * `defaults`, its environment variable, the values it accepts and its description.
 */
export function renderConfigTable(
  fields: Readonly<Record<string, FieldSpec>> = CONFIG_FIELDS,
  defaults: object = DEFAULT_CONFIG,
): string {
  const rows = Object.entries(fields).map(([name, spec]) => [
    `\`${name}\``,
    showDefault((defaults as Record<string, unknown>)[name]),
    `\`${spec.env}\``,
    escapeCell(showValue(spec)),
    escapeCell(spec.description),
  ]);
  return formatTable([["field", "default", "variable", "value", "meaning"], ...rows]);
}

/**
 * `readme` with the text between its marker lines replaced by `table`.
 *
 * @throws {Error} when the README lacks either marker line.
 */
export function replaceConfigTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) {
    throw new Error(
      `${README_PATH} has no field table markers; put the lines\n${TABLE_START}\n${TABLE_END}\nwhere the table goes`,
    );
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const readme = await readFile(README_PATH, "utf8");
  const updated = replaceConfigTable(readme, renderConfigTable());
  if (process.argv.includes("--check")) {
    if (updated !== readme) {
      console.error(`${README_PATH}: the field table is out of date; run ${DOCS_COMMAND}`);
      process.exit(1);
    }
  } else if (updated !== readme) {
    await writeFile(README_PATH, updated);
    console.log(`${README_PATH}: field table written`);
  } else {
    console.log(`${README_PATH}: field table already up to date`);
  }
}
