import { createHash } from "node:crypto";
import { appendFile, rename, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LogPosition } from "@agentwatch/models";
import { describe, expect, it } from "vitest";
import { CountingStore, type FakeClock, makeReader, useLogFixture } from "./helpers.js";

const md5 = (data: string | Buffer): string => createHash("md5").update(data).digest("hex");

let dir: string;
let log: string;
let store: CountingStore;
let clock: FakeClock;

useLogFixture({}, (f) => ({ dir, log, store, clock } = f));

describe("4. file identity", () => {
  it("stores the md5 of the first min(fingerprintBytes, offset) bytes plus device and inode", async () => {
    const content = "first line\nsecond line\n";
    await writeFile(log, content);
    const reader = makeReader(store, clock, { fingerprintBytes: 8 });
    await reader.readNewContent("i", log);
    const position = store.getPosition("i", "tmux_output")!;
    const stats = await stat(log, { bigint: true });
    expect(position.checksum).toBe(md5(content.slice(0, 8)));
    expect(position.device).toBe(stats.dev.toString());
    expect(position.inode).toBe(stats.ino.toString());
    const other = new CountingStore();
    await makeReader(other, clock).readNewContent("j", log);
    expect(other.getPosition("j", "tmux_output")?.checksum).toBe(md5(content)); // min(1024, 23) = 23 bytes
  });

  it("a small file that grows is not mistaken for a rotation", async () => {
    await writeFile(log, "a\n");
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    const grown = Array.from({ length: 200 }, (_, i) => `grown line ${i}`);
    await appendFile(log, `${grown.join("\n")}\n`); // far beyond 1 KiB: the file's first KiB changed
    const result = await reader.readNewContent("i", log);
    expect(result.rotated).toBe(false);
    expect(result.truncated).toBe(false);
    expect(result.lines).toEqual(grown.slice(0, 200));
    expect(result.totalLines).toBe(201);
  });

  it("a file overwritten in place with longer content is detected and read from the start", async () => {
    await writeFile(log, "old 1\nold 2\n");
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    const inode = (await stat(log)).ino;
    await writeFile(log, "new content, longer than before\nand more\n");
    expect((await stat(log)).ino).toBe(inode);
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["new content, longer than before", "and more"]);
    expect(result.truncated).toBe(true);
    expect(result.rotated).toBe(false);
    expect(result.totalLines).toBe(2);
  });

  it("a file truncated to empty and regrown past the old offset between two reads is detected", async () => {
    await writeFile(log, "one\ntwo\n");
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await truncate(log, 0);
    await appendFile(log, "three\nfour\nfive\n");
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["three", "four", "five"]);
    expect(result.truncated).toBe(true);
    expect(result.totalLines).toBe(3);
  });

  it("a file truncated to empty is noted once; the empty file then reads as idle", async () => {
    await writeFile(log, "one\ntwo\n");
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await truncate(log, 0);
    const cut = await reader.readNewContent("i", log);
    expect(cut).toMatchObject({ lines: [], truncated: true, totalLines: 0 });
    expect(store.getPosition("i", "tmux_output")?.last_byte_offset).toBe(0);
    const updates = store.updates;
    const idle = await reader.readNewContent("i", log);
    expect(idle).toMatchObject({ lines: [], truncated: false, rotated: false });
    expect(store.updates).toBe(updates);
    await appendFile(log, "again\n");
    expect((await reader.readNewContent("i", log)).lines).toEqual(["again"]);
  });

  it("a new file with an identical header is told apart by its inode", async () => {
    const banner = "Welcome to Claude Code v2\n";
    await writeFile(log, `${banner}old work\n`);
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    // a new file replaces the old one (created while the old one exists, so its inode differs)
    await writeFile(join(dir, "staging"), `${banner}old work\nnew session line\n`);
    await rename(join(dir, "staging"), log);
    const result = await reader.readNewContent("i", log);
    expect(result.rotated).toBe(true);
    expect(result.lines).toEqual(["Welcome to Claude Code v2", "old work", "new session line"]);
  });

  it("a position saved by the Python implementation (md5 of the first 16 bytes, no inode) resumes without a re-read", async () => {
    const content = "Line 1\nLine 2\nLine 3\n"; // 21 bytes
    await writeFile(log, `${content}Line 4\n`);
    const python: LogPosition = {
      instance_id: "i",
      log_type: "tmux_output",
      file_path: log,
      last_byte_offset: 21,
      last_line_number: 3,
      last_read_timestamp: "2025-01-15T10:30:00",
      checksum: md5(content.slice(0, 16)),
    };
    await store.inner.updatePosition(python);
    const reader = makeReader(store, clock);
    const result = await reader.readNewContent("i", log);
    expect(result.lines).toEqual(["Line 4"]);
    expect(result.totalLines).toBe(4);
    expect(result.rotated).toBe(false);
    expect(result.truncated).toBe(false);
    const saved = store.getPosition("i", "tmux_output")!;
    expect(saved.checksum).toBe(md5(`${content}Line 4\n`)); // now the full-length fingerprint
    expect(saved.inode).toBe((await stat(log, { bigint: true })).ino.toString());
  });

  it("a Python position taken when the file was under 16 bytes resumes after the file grew", async () => {
    await writeFile(log, "hi\nthere\nmore lines\n");
    await store.inner.updatePosition({
      instance_id: "i",
      log_type: "tmux_output",
      file_path: log,
      last_byte_offset: 9,
      last_line_number: 2,
      last_read_timestamp: "2025-01-15T10:30:00",
      checksum: md5("hi\nthere\n"), // Python hashed f.read(16) of a 9-byte file
    });
    const result = await makeReader(store, clock).readNewContent("i", log);
    expect(result.lines).toEqual(["more lines"]);
    expect(result.totalLines).toBe(3);
  });

  it("a Python position whose file was replaced is detected by its 16-byte checksum", async () => {
    await writeFile(log, "completely different start\nx\n");
    await store.inner.updatePosition({
      instance_id: "i",
      log_type: "tmux_output",
      file_path: log,
      last_byte_offset: 21,
      last_line_number: 3,
      last_read_timestamp: "2025-01-15T10:30:00",
      checksum: md5("Line 1\nLine 2\nLi"),
    });
    const result = await makeReader(store, clock).readNewContent("i", log);
    expect(result.rotated).toBe(true);
    expect(result.lines).toEqual(["completely different start", "x"]);
  });

  it("our own positions are not matched by the legacy 16-byte checksum", async () => {
    const header = "0123456789abcdef"; // 16 bytes shared by both contents
    await writeFile(log, `${header}-old\n`);
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await writeFile(log, `${header}-new content\n`); // same inode, same first 16 bytes, longer
    const result = await reader.readNewContent("i", log);
    expect(result.truncated).toBe(true);
    expect(result.lines).toEqual([`${header}-new content`]);
  });

  it("a renamed-away file with nothing left unread is followed by the new file from its start", async () => {
    await writeFile(log, "old\n");
    const reader = makeReader(store, clock);
    await reader.readNewContent("i", log);
    await rename(log, join(dir, "elsewhere.txt")); // not a sibling name: cannot be drained
    await writeFile(log, "new\n");
    const result = await reader.readNewContent("i", log);
    expect(result).toMatchObject({ lines: ["new"], rotated: true, totalLines: 1 });
  });
});
