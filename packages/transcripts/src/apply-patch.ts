import { editText } from "./tool-input.js";

/** One file of an `apply_patch` patch. */
export interface PatchFile {
  /** The file's path as the patch names it (for a move, the path before). */
  path: string;
  /** `update`, `add` or `delete`. */
  kind: "update" | "add" | "delete";
  /** Where an update moves the file, if it does. */
  move_to: string | null;
  /** The removed lines (`-`), joined; empty for a new file; null for a deletion. */
  old_text: string | null;
  /** The added lines (`+`), joined; null for a deletion. */
  new_text: string | null;
}

const HEADER = /^\*\*\* (Update|Add|Delete) File: (.+)$/;
const MOVE = /^\*\*\* Move to: (.+)$/;
/** Most files read from one patch. */
const MAX_FILES = 50;

/**
 * The files of a Codex `apply_patch` patch (`*** Begin Patch`, `*** Update File: path`, `@@`,
 * `-old`, `+new`, `*** Add File:`, `*** Delete File:`, `*** Move to:`, `*** End Patch`), each with
 * its removed and added lines (hunks separated by `⋯`), bounded to a few KiB each. Text that is
 * not a patch gives no files.
 */
export function parsePatch(patch: string): PatchFile[] {
  const files: PatchFile[] = [];
  let current: { file: PatchFile; old: string[]; new: string[] } | null = null;
  let size = 0;
  const close = () => {
    if (!current) return;
    const { file } = current;
    if (file.kind !== "delete") {
      file.old_text = editText(current.old.join("\n"));
      file.new_text = editText(current.new.join("\n"));
    }
    files.push(file);
    current = null;
  };
  for (const raw of patch.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const header = HEADER.exec(line);
    if (header) {
      close();
      if (files.length >= MAX_FILES) break;
      const kind = header[1] === "Update" ? "update" : header[1] === "Add" ? "add" : "delete";
      current = {
        file: { path: header[2]!.trim(), kind, move_to: null, old_text: null, new_text: null },
        old: [],
        new: [],
      };
      size = 0;
      continue;
    }
    if (!current) continue;
    const cur: { file: PatchFile; old: string[]; new: string[] } = current;
    const move = MOVE.exec(line);
    if (move) {
      cur.file.move_to = move[1]!.trim();
      continue;
    }
    if (line.startsWith("*** ")) {
      close(); // *** End Patch, *** End of File
      continue;
    }
    if (size > 64 * 1024) continue; // enough to fill the bounded texts
    if (line.startsWith("@@")) {
      if (cur.old.length > 0) cur.old.push("⋯");
      if (cur.new.length > 0) cur.new.push("⋯");
    } else if (line.startsWith("-")) cur.old.push(line.slice(1));
    else if (line.startsWith("+")) cur.new.push(line.slice(1));
    size += line.length;
  }
  close();
  return files;
}
