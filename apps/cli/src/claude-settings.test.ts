import { describe, expect, it } from "vitest";
import {
  addAgentwatchHooks,
  findAgentwatchHooks,
  hookCommandStateDir,
  isAgentwatchHookCommand,
  removeAgentwatchHooks,
} from "./claude-settings.js";

const COMMAND = "node /opt/agentwatch/dist/main.js hook";

describe("isAgentwatchHookCommand", () => {
  it.each([
    "agentwatch hook",
    "/home/dev/.local/bin/agentwatch hook",
    "agentwatch hook --state-dir /var/lib/aw",
    "agentwatch hook --state-dir '/home/dev/my state'",
    "node /usr/lib/node_modules/@agentwatch/cli/dist/main.js hook",
    "node '/home/dev/src/agent watch/apps/cli/dist/main.js' hook",
    "/usr/bin/node /work/main/apps/cli/dist/main.js hook --state-dir /tmp/s",
  ])("recognises %s", (command) => {
    expect(isAgentwatchHookCommand(command)).toBe(true);
  });

  it.each([
    "agentwatch hook | tee -a /tmp/log",
    "agentwatch hook --verbose",
    "agentwatch hook; rm -rf ~",
    "agentwatch hooks install",
    "echo agentwatch hook",
    "notify-send 'agentwatch hook'",
    "node /home/dev/tools/main.js hook",
    "node /home/dev/agentwatch/dist/main.js hook $(whoami)",
    "agentwatch hook --state-dir",
  ])("leaves %s alone", (command) => {
    expect(isAgentwatchHookCommand(command)).toBe(false);
  });

  it("reads the state directory a command passes", () => {
    expect(hookCommandStateDir("agentwatch hook --state-dir '/a b'")).toBe("/a b");
    expect(hookCommandStateDir("agentwatch hook")).toBeUndefined();
  });
});

describe("adding and removing agentwatch's hooks", () => {
  it("leaves entries the user added after ours when it removes ours", () => {
    const original =
      '{\n  "hooks": {\n    "Stop": [\n      { "hooks": [{ "type": "command", "command": "say 1" }] }\n    ]\n  }\n}\n';
    const installed = addAgentwatchHooks(original, "s.json", COMMAND).text;
    // The user appends an entry of their own after ours.
    const edited = installed.replace(
      /("timeout": 10\n\s*}\n\s*]\n\s*})(\n\s*],\n\s*"Notification")/,
      '$1,\n      { "hooks": [{ "type": "command", "command": "say 2" }] }$2',
    );
    expect(edited).not.toBe(installed);
    const removed = removeAgentwatchHooks(edited, "s.json");
    expect(JSON.parse(removed.text)).toEqual({
      hooks: {
        Stop: [
          { hooks: [{ type: "command", command: "say 1" }] },
          { hooks: [{ type: "command", command: "say 2" }] },
        ],
      },
    });
    expect(removed.removed).toEqual([
      "Stop",
      "Notification",
      "PermissionRequest",
      "SessionStart",
      "SessionEnd",
      "UserPromptSubmit",
    ]);
  });

  it("keeps one entry per event when two installs from different places left two", () => {
    const one = addAgentwatchHooks(undefined, "s.json", "agentwatch hook").text;
    const settings = JSON.parse(one) as { hooks: Record<string, unknown[]> };
    settings.hooks.Stop!.push({ hooks: [{ type: "command", command: COMMAND, timeout: 10 }] });
    const two = JSON.stringify(settings, null, 2);
    const fixed = addAgentwatchHooks(two, "s.json", COMMAND);
    expect(fixed.updated).toEqual([
      "Notification",
      "PermissionRequest",
      "Stop",
      "SessionStart",
      "SessionEnd",
      "UserPromptSubmit",
    ]);
    const after = JSON.parse(fixed.text) as {
      hooks: Record<string, { hooks: { command: string }[] }[]>;
    };
    for (const groups of Object.values(after.hooks)) {
      expect(groups.map((group) => group.hooks[0]!.command)).toEqual([COMMAND]);
    }
    expect(findAgentwatchHooks(fixed.text, "s.json").every((hook) => hook.installed)).toBe(true);
  });

  it("keeps a byte order mark", () => {
    const original = '\uFEFF{\n  "model": "opus"\n}\n';
    const installed = addAgentwatchHooks(original, "s.json", COMMAND).text;
    expect(installed.startsWith('\uFEFF{\n  "model": "opus",\n  "hooks": {')).toBe(true);
    expect(removeAgentwatchHooks(installed, "s.json").text).toBe(original);
  });
});
