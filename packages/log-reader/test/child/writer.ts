// Child process helper for live.test.ts (compiled by test/global-setup.ts): an agent writing its
// log in random-sized pieces (cutting lines and multi-byte characters), rotating it by rename when the parent asks: at a line
// boundary, or with a fourth argument "mid", in the middle of a line (the line goes on in the new
// file, like tmux pipe-pane output). At the end it writes every line it produced to
// <dir>/manifest.json and sends "done".
import { closeSync, openSync, readdirSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";

const [dir = ".", countText = "0", seedText = "1", where = "line"] = process.argv.slice(2);
const log = join(dir, "app.log");
const total = Number(countText);
let seed = Number(seedText) >>> 0 || 1;
const random = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const alphabet = ["a", "b", "é", "世", "🚀", " ", "->", "\r", "done"];
const lines: string[] = [];
let fd = openSync(log, "a");
let allowRotation: () => void = () => {};
process.on("message", (message: unknown) => {
  if (message === "rotate") allowRotation();
});

function rotate() {
  closeSync(fd);
  const numbered = readdirSync(dir)
    .map((name) => /^app\.log\.(\d+)$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  for (const n of numbered) renameSync(`${log}.${n}`, `${log}.${n + 1}`);
  renameSync(log, `${log}.1`);
  fd = openSync(log, "a");
  process.send?.("rotated");
}

/** Rotates once the parent says its reader has moved on to the current file: one rotation between reads. */
async function rotateWhenAllowed() {
  const allowed = new Promise<void>((resolve) => (allowRotation = resolve));
  process.send?.("ready-to-rotate");
  await allowed;
  rotate();
}

for (let i = 0; i < total; i++) {
  let text = `${i}:`;
  const length = Math.floor(random() * 12);
  for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)] ?? "";
  lines.push(text);
  const bytes = Buffer.from(`${text}\n`);
  const rotateHere = i % 600 === 599; // every 600 lines
  let at = 0;
  while (at < bytes.length) {
    const piece = Math.min(bytes.length - at, 1 + Math.floor(random() * 7));
    writeSync(fd, bytes, at, piece);
    at += piece;
    if (rotateHere && where === "mid" && at === piece && at < bytes.length)
      await rotateWhenAllowed();
    if (random() < 0.3) await new Promise((resolve) => setImmediate(resolve)); // let the reader in mid-line
  }
  // At a line boundary, like a logger reopening between records.
  if (rotateHere && where !== "mid") await rotateWhenAllowed();
}
closeSync(fd);
// a line ending with \r loses that \r when read: the manifest holds what a reader must return
writeFileSync(
  join(dir, "manifest.json"),
  JSON.stringify(lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))),
);
process.send?.("done", () => process.disconnect());
