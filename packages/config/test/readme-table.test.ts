import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  DOCS_COMMAND,
  README_PATH,
  TABLE_END,
  TABLE_START,
  renderConfigTable,
  replaceConfigTable,
} from "../scripts/config-table.js";
import { CONFIG_FIELDS, DEFAULT_CONFIG, type FieldSpec } from "../src/index.js";

describe("the README's field table", () => {
  it("is the one generated from CONFIG_FIELDS and DEFAULT_CONFIG", async () => {
    const readme = await readFile(README_PATH, "utf8");
    const expected = replaceConfigTable(readme, renderConfigTable());
    expect(readme, `README.md's field table is out of date: run ${DOCS_COMMAND}`).toBe(expected);
  });

  it("has a row with the variable and default of every field", () => {
    const rows = renderConfigTable().split("\n").slice(2);
    expect(rows).toHaveLength(Object.keys(CONFIG_FIELDS).length);
    for (const [name, spec] of Object.entries(CONFIG_FIELDS)) {
      const row = rows.find((line) => line.startsWith(`| \`${name}\` `));
      expect(row, name).toContain(`\`${spec.env}\``);
      const value = DEFAULT_CONFIG[name as keyof typeof DEFAULT_CONFIG];
      const shown = typeof value === "object" ? JSON.stringify(value) : String(value);
      expect(row, name).toContain(value === "" ? '`""`' : `\`${shown}\``);
    }
  });
});

describe("renderConfigTable", () => {
  it("gives a row to a field of any kind, with or without a default, and escapes its text", () => {
    const fields: Record<string, FieldSpec> = {
      ...CONFIG_FIELDS,
      retries: {
        kind: "positive-integer",
        env: "AGENTWATCH_RETRIES",
        description: "tries per agent | per cycle, <n> at most",
        max: { value: 9, why: "enough" },
      },
      colour: { kind: "hue" as FieldSpec["kind"], env: "AGENTWATCH_COLOUR", description: "hue" },
    };
    const table = renderConfigTable(fields, { ...DEFAULT_CONFIG, retries: 3 });
    const lines = table.split("\n");
    expect(lines).toHaveLength(2 + Object.keys(fields).length);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines.at(-2)).toMatch(
      /^\| `retries` +\| `3` +\| `AGENTWATCH_RETRIES` +\| a positive integer, at most 9 \(enough\) +\| tries per agent \\\| per cycle, \\<n\\> at most +\|$/,
    );
    expect(lines.at(-1)).toMatch(
      /^\| `colour` +\| none +\| `AGENTWATCH_COLOUR` +\| hue +\| hue +\|$/,
    );
  });

  it("is written between the marker lines, replacing what was there", () => {
    const readme = `# x\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nafter\n`;
    expect(replaceConfigTable(readme, "| new |")).toBe(
      `# x\n\n${TABLE_START}\n\n| new |\n\n${TABLE_END}\n\nafter\n`,
    );
    expect(() => replaceConfigTable("# no markers\n", "| new |")).toThrow(/no field table markers/);
  });
});
