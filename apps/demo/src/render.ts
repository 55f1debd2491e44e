import {
  colors,
  displayWidth,
  fitWidth,
  formatBytes,
  padWidth,
  visibleText,
} from "@agentwatch/term-ui";
import { type WatchedLog, currentEvents } from "./watch-state.js";

/** Run-wide figures shown under the table and in the summary. */
export interface Totals {
  polls: number;
  elapsedMs: number;
}

function sum(logs: readonly WatchedLog[], pick: (log: WatchedLog) => number): number {
  return logs.reduce((total, log) => total + pick(log), 0);
}

const ESC = "\u001b";
const { bold, yellow } = colors(true);

/** The live table, as a full-screen frame for a terminal `columns` wide. */
export function renderTable(logs: readonly WatchedLog[], totals: Totals, columns: number): string {
  const agentWidth = Math.min(18, Math.max(5, ...logs.map((log) => displayWidth(log.instanceId))));
  const fixed = [agentWidth, 6, 7, 10, 24];
  const lastWidth = Math.max(10, columns - fixed.reduce((a, b) => a + b + 2, 0));
  const row = (cells: string[]) =>
    cells.map((cell, i) =>
      i < fixed.length ? padWidth(cell, fixed[i]!) : fitWidth(cell, lastWidth),
    );
  const header = row(["AGENT", "+LINES", "TOTAL", "BEHIND", "EVENTS", "LAST LINE"]).join("  ");
  const lines = [bold(header)];
  for (const log of logs) {
    const events = currentEvents(log).join(", ");
    const cells = row([
      log.instanceId,
      String(log.linesThisPoll),
      String(log.totalLines),
      formatBytes(log.bytesBehind),
      events,
      shownLine(log),
    ]);
    if (events !== "") cells[4] = yellow(cells[4]!);
    lines.push(cells.join("  "));
  }
  lines.push("");
  lines.push(totalsLine(logs, totals));
  return `${ESC}[H${ESC}[2J${lines.join("\n")}\n`;
}

/** The last line to show: a held partial line is what the terminal shows last. */
function shownLine(log: WatchedLog): string {
  const partial = log.pendingPartial === null ? "" : visibleText(log.pendingPartial);
  return partial !== "" ? partial : log.lastLine;
}

/** One line of run totals. */
export function totalsLine(logs: readonly WatchedLog[], totals: Totals): string {
  return (
    `read ${sum(logs, (l) => l.linesRead).toLocaleString("en-US")} lines ` +
    `(${formatBytes(sum(logs, (l) => l.bytesRead))}) from ${logs.length} logs · ` +
    `${totals.polls} polls · ${(totals.elapsedMs / 1000).toFixed(1)}s elapsed`
  );
}

/** Plain lines for one poll: a header, then each log that changed. No escape codes. */
export function renderPlain(logs: readonly WatchedLog[], totals: Totals): string {
  const newLines = sum(logs, (log) => log.linesThisPoll);
  const out = [
    `poll ${totals.polls} at ${(totals.elapsedMs / 1000).toFixed(1)}s: ${newLines} new lines`,
  ];
  for (const log of logs) {
    const events = currentEvents(log);
    if (log.linesThisPoll === 0 && events.length === 0) continue;
    const eventText = events.length > 0 ? ` [${events.join(", ")}]` : "";
    out.push(
      `  ${log.instanceId}: +${log.linesThisPoll} lines, total ${log.totalLines}, ` +
        `${formatBytes(log.bytesBehind)} behind${eventText} | ${fitWidth(shownLine(log), 80)}`,
    );
  }
  return `${out.join("\n")}\n`;
}
