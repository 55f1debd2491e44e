import { describe, expect, it } from "vitest";
import { PANE_FORMAT, paneName, paneTarget, parsePanes } from "./panes.js";

/** One line as tmux writes it for PANE_FORMAT. */
function line(values: Record<string, string>): string {
  return PANE_FORMAT.replace(/#\{(\w+)\}/g, (_, field: string) => values[field] ?? "");
}

const base = {
  pane_id: "%3",
  session_name: "work",
  window_index: "1",
  pane_index: "2",
  pane_pid: "4242",
  pane_pipe: "0",
  pane_dead: "0",
  pid: "100",
  start_time: "1796500000",
  pane_current_command: "node",
  pane_current_path: "/home/u/src",
  host_short: "laptop",
  pane_title: "laptop",
};

describe("parsePanes", () => {
  it("reads every field, a title with tabs and separators-like text included", () => {
    const [pane] = parsePanes(
      `${line({ ...base, pane_title: "✳ fix\tthe <;:;> build", pane_pipe: "1" })}\n`,
    );
    expect(pane).toMatchObject({
      paneId: "%3",
      session: "work",
      windowIndex: 1,
      paneIndex: 2,
      pid: 4242,
      piped: true,
      dead: false,
      serverStart: 1796500000,
      currentCommand: "node",
      currentPath: "/home/u/src",
      title: "✳ fix\tthe <;:;> build",
    });
    expect(paneName(pane!)).toBe("✳ fix\tthe <;:;> build");
  });

  it("names a pane with the default title (the host) by session:window.pane", () => {
    const [pane] = parsePanes(line(base));
    expect(paneTarget(pane!)).toBe("work:1.2");
    expect(paneName(pane!)).toBe("work:1.2");
  });

  it("skips lines it cannot read", () => {
    expect(parsePanes("garbage\n\n%x<;:;>y\n")).toEqual([]);
  });
});
