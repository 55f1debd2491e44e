import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_UNDECODED_BYTES, consumeSegments } from "./consume-segments.js";
import { type OpenedLog, openLog } from "./open-log.js";

let dir: string;
const opened: OpenedLog[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "consume-segments-"));
});
afterEach(async () => {
  for (const file of opened.splice(0)) await file.fh.close();
  await rm(dir, { recursive: true, force: true });
});

async function fileOf(name: string, lines: string[]): Promise<OpenedLog> {
  const path = join(dir, name);
  await writeFile(path, lines.map((line) => `${line}\n`).join(""));
  const file = await openLog(path, () => 0);
  opened.push(file);
  return file;
}

describe("consumeSegments with deferDecode", () => {
  it(`keeps at most ${MAX_UNDECODED_BYTES} bytes of read buffers for one read in all, over a rotated file and the new one`, async () => {
    const lines = (tag: string) =>
      Array.from({ length: 90_000 }, (_, i) => `${tag} ${i} ${"r".repeat(i % 89)}`);
    const before = lines("rotated");
    const after = lines("new");
    const rotated = await fileOf("app.log.1", before);
    const current = await fileOf("app.log", after);
    expect(Math.min(rotated.size, current.size)).toBeGreaterThan(MAX_UNDECODED_BYTES);
    const consumed = await consumeSegments(
      [
        { file: rotated, start: 0, line: 0, restart: null, joinsNext: true },
        { file: current, start: 0, line: 0, restart: "rotated", joinsNext: false },
      ],
      {
        maxLines: 1_000_000,
        maxLineBytes: 1_048_576,
        skipBacklog: false,
        quiet: () => true,
        deferDecode: true,
      },
    );
    expect(consumed.segment.file).toBe(current);
    expect(consumed.lines.keptBytes).toBeGreaterThan(MAX_UNDECODED_BYTES / 2);
    expect(consumed.lines.keptBytes).toBeLessThanOrEqual(MAX_UNDECODED_BYTES);
    expect(consumed.lines.decode()).toEqual([...before, ...after]);
  });
});
