import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileTestChildren, testChild } from "./children.js";

let pkg: string;
beforeEach(async () => {
  pkg = await mkdtemp(join(tmpdir(), "test-kit-children-"));
  const manifest = {
    name: "tmp-pkg",
    type: "module",
    exports: { ".": { import: "./dist/index.js" } },
  };
  await writeFile(join(pkg, "package.json"), JSON.stringify(manifest));
  await mkdir(join(pkg, "test", "children"), { recursive: true });
  await mkdir(join(pkg, "src"));
  await writeFile(join(pkg, "src", "index.ts"), `export const answer: number = 42;\n`);
  await writeFile(
    join(pkg, "test", "children", "helper.ts"),
    `export const twice = (n: number): number => 2 * n;\n`,
  );
});
afterEach(async () => {
  await rm(pkg, { recursive: true, force: true });
});

describe("compileTestChildren and testChild", () => {
  it("compile a child with the helpers it imports into JavaScript that Node.js runs", async () => {
    const child = join(pkg, "test", "children", "child.ts");
    await writeFile(
      child,
      `import { twice } from "./helper.js";\nconst n: number = 21;\nconsole.log(twice(n));\n`,
    );
    await compileTestChildren([child]);
    const script = testChild(child);
    expect(script).toBe(join(pkg, ".vitest", "children", "test", "children", "child.js"));
    expect(execFileSync(process.execPath, [script], { encoding: "utf8" })).toBe("42\n");
  });

  it("reject a child that imports the package's source by path", async () => {
    const child = join(pkg, "test", "children", "child.ts");
    await writeFile(child, `import { answer } from "../../src/index.js";\nconsole.log(answer);\n`);
    await expect(compileTestChildren([child])).rejects.toThrow(
      /imports \.\.\/\.\.\/src\/index\.js: import "tmp-pkg" instead/,
    );
  });

  it("testChild says to build first when the package the child imports is not built", async () => {
    const child = join(pkg, "test", "children", "child.ts");
    await writeFile(child, `import { answer } from "tmp-pkg";\nconsole.log(answer);\n`);
    await compileTestChildren([child]);
    expect(() => testChild(child)).toThrow(
      /tmp-pkg is not built .*dist\/index\.js is missing.*pnpm build/,
    );
    await mkdir(join(pkg, "dist"));
    await writeFile(join(pkg, "dist", "index.js"), `export const answer = 42;\n`);
    expect(execFileSync(process.execPath, [testChild(child)], { encoding: "utf8" })).toBe("42\n");
  });
});
