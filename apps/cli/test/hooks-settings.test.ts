import { existsSync } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  readlink,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { runNode } from "@agentwatch/test-kit";
import { describe, expect, it } from "vitest";
import { main, useCliWorkspace } from "./helpers/cli.js";
import { defaultStateDir, hookLines, permissionPayload, runHook } from "./helpers/hook-run.js";

const ws = useCliWorkspace();
const settingsFile = () => join(ws.dir, ".claude", "settings.json");

const EVENTS = [
  "Notification",
  "PermissionRequest",
  "Stop",
  "SessionStart",
  "SessionEnd",
  "UserPromptSubmit",
];

interface Group {
  matcher?: string;
  hooks: { type: string; command: string; timeout?: number }[];
}
type Settings = Record<string, unknown> & { hooks?: Record<string, Group[]> };

/** A user's settings: their own hooks (one on Notification, as ours), odd indentation, inline bits. */
const USER_SETTINGS = [
  "{",
  '   "model":   "opus",',
  '   "permissions": {"allow": ["Bash(npm test:*)"], "deny": []},',
  '   "hooks": {',
  '         "Notification": [',
  '               {"matcher": "permission_prompt", "hooks": [{"type": "command", "command": "notify-send \'Claude needs you\'"}]}',
  "         ],",
  '         "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "agentwatch hook | tee -a /tmp/mine.log" } ] } ],',
  '         "Stop": [',
  "               {",
  '                     "hooks": [',
  '                           { "type": "command", "command": "agentwatch hook --verbose", "timeout": 5 }',
  "                     ]",
  "               }",
  "         ]",
  "   },",
  '   "env": {"EDITOR": "vim"}',
  "}",
  "",
].join("\n");

const ORIGINALS = [
  { what: "a user's own hooks, three-space indentation and inline entries", text: USER_SETTINGS },
  {
    what: "tabs and CRLF line breaks",
    text: '{\r\n\t"hooks": {\r\n\t\t"Stop": [\r\n\t\t\t{\r\n\t\t\t\t"hooks": [{ "type": "command", "command": "say done" }]\r\n\t\t\t}\r\n\t\t]\r\n\t},\r\n\t"theme": "dark"\r\n}\r\n',
  },
  {
    what: "everything on one line",
    text: '{"model":"opus","hooks":{"Notification":[{"hooks":[{"type":"command","command":"say hi"}]}]}}',
  },
  { what: "no hooks yet", text: '{\n    "model": "sonnet"\n}\n' },
  { what: "an empty object", text: "{}" },
];

async function agentwatch(args: string[], env: Record<string, string> = {}) {
  return ws.run(args, { env });
}

/** The command install says the hooks run. */
function installedCommand(stdout: string): string {
  const command = /^ {2}they run: (.*)$/m.exec(stdout)?.[1];
  if (command === undefined) throw new Error(`install did not say what the hooks run:\n${stdout}`);
  return command;
}

async function readSettings(path = settingsFile()): Promise<Settings> {
  return JSON.parse(await readFile(path, "utf8")) as Settings;
}

/** The groups of ours: the ones whose every hook runs `command`. */
function ours(settings: Settings, event: string, command: string): Group[] {
  return (settings.hooks?.[event] ?? []).filter((group) =>
    group.hooks.every((hook) => hook.command === command),
  );
}

describe("agentwatch hooks install and uninstall", () => {
  it.each(ORIGINALS)(
    "keep $what: the user's entries stay, ours are added once, uninstall gives back every byte",
    async ({ text }) => {
      await mkdir(join(ws.dir, ".claude"));
      await writeFile(settingsFile(), text);
      await chmod(settingsFile(), 0o640);
      const original = JSON.parse(text) as Settings;

      const install = await agentwatch(["hooks", "install"]);
      expect(install.stderr).toBe("");
      expect(install.code).toBe(0);
      const command = installedCommand(install.stdout);
      expect([`node ${main} hook`, "agentwatch hook"]).toContain(command);
      expect(install.stdout).toContain(`added: ${EVENTS.join(", ")}`);
      const installed = await readFile(settingsFile(), "utf8");
      expect(await readFile(`${settingsFile()}.agentwatch-backup`, "utf8")).toBe(text);
      expect((await stat(settingsFile())).mode & 0o777).toBe(0o640);

      const after = await readSettings();
      const { hooks: originalHooks, ...otherSettings } = original;
      const { hooks: afterHooks, ...afterOther } = after;
      expect(afterOther).toEqual(otherSettings);
      for (const [event, groups] of Object.entries(originalHooks ?? {})) {
        expect(afterHooks?.[event]?.slice(0, groups.length)).toEqual(groups);
      }
      for (const event of EVENTS) {
        const added = ours(after, event, command);
        expect(added).toEqual([
          {
            ...(event === "Notification"
              ? { matcher: "permission_prompt|idle_prompt|elicitation_dialog" }
              : {}),
            hooks: [{ type: "command", command, timeout: 10 }],
          },
        ]);
        expect(afterHooks?.[event]).toHaveLength((originalHooks?.[event]?.length ?? 0) + 1);
      }
      // The user's lines are all still there, as they were.
      if (text.includes("\n")) {
        const lines = installed.split("\n");
        for (const line of text.split("\n")) {
          if (line.trim() !== "" && !/^\s*[\]}],?\r?$/.test(line)) {
            const withComma = line.endsWith("\r") ? `${line.slice(0, -1)},\r` : `${line},`;
            expect(
              lines.some((l) => l === line || l === withComma),
              line,
            ).toBe(true);
          }
        }
      }

      const again = await agentwatch(["hooks", "install"]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("nothing changed");
      expect(await readFile(settingsFile(), "utf8")).toBe(installed);

      const uninstall = await agentwatch(["hooks", "uninstall"]);
      expect(uninstall.stderr).toBe("");
      expect(uninstall.code).toBe(0);
      expect(uninstall.stdout).toContain(
        `removed agentwatch's Claude Code hooks from ${settingsFile()}`,
      );
      expect(await readFile(settingsFile(), "utf8")).toBe(text);
      expect((await stat(settingsFile())).mode & 0o777).toBe(0o640);
      expect(await readFile(`${settingsFile()}.agentwatch-backup`, "utf8")).toBe(installed);

      const twice = await agentwatch(["hooks", "uninstall"]);
      expect(twice.stdout).toContain("has no agentwatch hooks; nothing changed");
      expect(await readFile(settingsFile(), "utf8")).toBe(text);
    },
  );

  it("the installed command records events where watch reads them", async () => {
    const install = await agentwatch(["hooks", "install"]);
    expect(install.code).toBe(0);
    expect(await readSettings()).toMatchObject({ hooks: {} });
    const payload = permissionPayload("s-installed");
    const run = await runHook([], JSON.stringify(payload), {
      env: { PATH: process.env.PATH ?? "", HOME: ws.dir },
      shell: installedCommand(install.stdout),
    });
    expect(run).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect((await hookLines(defaultStateDir(ws.dir))).map((line) => line.payload)).toEqual([
      payload,
    ]);
  });

  it("passes a state directory other than the default to the hook, and updates it in place", async () => {
    await mkdir(join(ws.dir, ".claude"));
    await writeFile(settingsFile(), USER_SETTINGS);
    const mine = join(ws.dir, "my state");
    const first = await agentwatch(["hooks", "install", "--state-dir", mine]);
    expect(first.code).toBe(0);
    const command = installedCommand(first.stdout);
    expect(command).toMatch(/ hook --state-dir '.*\/my state'$/);
    expect(first.stdout).toContain(`events go to ${join(mine, "hooks", "claude-hooks.jsonl")}`);
    const run = await runHook([], '{"hook_event_name":"Stop"}', {
      env: { PATH: process.env.PATH ?? "", HOME: ws.dir },
      shell: command,
    });
    expect(run.code).toBe(0);
    expect((await hookLines(mine)).map((line) => line.payload)).toEqual([
      { hook_event_name: "Stop" },
    ]);

    // Back to the default directory: the same entries now run the plain command.
    const second = await agentwatch(["hooks", "install"]);
    expect(second.stdout).toContain(`updated: ${EVENTS.join(", ")}`);
    const plain = installedCommand(second.stdout);
    const after = await readSettings();
    for (const event of EVENTS) {
      expect(ours(after, event, plain)).toHaveLength(1);
      expect(ours(after, event, command)).toHaveLength(0);
    }
    expect((await agentwatch(["hooks", "uninstall"])).code).toBe(0);
    expect(await readFile(settingsFile(), "utf8")).toBe(USER_SETTINGS);
  });

  it("refuses a settings file that is not valid JSON, naming the line and column, and leaves it as it was", async () => {
    await mkdir(join(ws.dir, ".claude"));
    const broken = '{\n  "model": "opus",\n  "hooks": {\n    "Stop": []\n  },\n}\n';
    await writeFile(settingsFile(), broken);
    for (const verb of ["install", "uninstall"]) {
      const run = await agentwatch(["hooks", verb]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(
        `agentwatch: cannot edit ${settingsFile()}: it is not valid JSON (a property name was expected (a trailing comma?) at line 6, column 1); fix the file (or move it aside) and run the command again\n`,
      );
    }
    expect(await readFile(settingsFile(), "utf8")).toBe(broken);
    expect(existsSync(`${settingsFile()}.agentwatch-backup`)).toBe(false);
  });

  it("refuses settings whose hooks are not an object of arrays", async () => {
    await mkdir(join(ws.dir, ".claude"));
    const odd = '{ "hooks": { "Stop": { "command": "say" } } }\n';
    await writeFile(settingsFile(), odd);
    const run = await agentwatch(["hooks", "install"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `agentwatch: cannot edit ${settingsFile()}: "hooks"."Stop" is an object at line 1, column 22, where Claude Code expects an array; fix the file and run the command again\n`,
    );
    expect(await readFile(settingsFile(), "utf8")).toBe(odd);
  });

  it("writes a project's settings.local.json with --project DIR --local, creating it", async () => {
    const project = join(ws.dir, "app");
    await mkdir(project);
    const run = await agentwatch(["hooks", "install", "--project", project, "--local"]);
    expect(run.code).toBe(0);
    const path = join(project, ".claude", "settings.local.json");
    expect(run.stdout).toContain(`installed agentwatch's Claude Code hooks in ${path}\n`);
    const command = installedCommand(run.stdout);
    expect(Object.keys((await readSettings(path)).hooks ?? {})).toEqual(EVENTS);
    expect(ours(await readSettings(path), "Stop", command)).toHaveLength(1);
    expect(existsSync(join(project, ".claude", "settings.json"))).toBe(false);
    expect(existsSync(settingsFile())).toBe(false);

    expect((await agentwatch(["hooks", "uninstall", "--project", project, "--local"])).code).toBe(
      0,
    );
    expect(await readFile(path, "utf8")).toBe("{}\n");

    const usage = await agentwatch(["hooks", "install", "--local"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      "agentwatch: --local takes --project DIR: Claude Code has local settings per project only\n",
    );
    const conflict = await agentwatch(["hooks", "install", "--user", "--project", project]);
    expect(conflict.code).toBe(2);
  });

  it("edits the first directory of CLAUDE_CONFIG_DIR for the user's settings", async () => {
    const first = join(ws.dir, "claude-work");
    const env = { CLAUDE_CONFIG_DIR: `${first},${join(ws.dir, "claude-home")}` };
    const run = await agentwatch(["hooks", "install", "--user"], env);
    expect(run.code).toBe(0);
    expect(Object.keys((await readSettings(join(first, "settings.json"))).hooks ?? {})).toEqual(
      EVENTS,
    );
    expect(existsSync(join(ws.dir, "claude-home"))).toBe(false);
    expect(existsSync(settingsFile())).toBe(false);
  });

  it("edits a symlinked settings file where it points, and keeps the link", async () => {
    const dotfiles = join(ws.dir, "dotfiles");
    await mkdir(dotfiles);
    await mkdir(join(ws.dir, ".claude"));
    const real = join(dotfiles, "claude-settings.json");
    await writeFile(real, USER_SETTINGS);
    await symlink(real, settingsFile());
    expect((await agentwatch(["hooks", "install"])).code).toBe(0);
    expect((await lstat(settingsFile())).isSymbolicLink()).toBe(true);
    expect(await readlink(settingsFile())).toBe(real);
    expect(Object.keys((await readSettings(real)).hooks ?? {})).toEqual(
      expect.arrayContaining(EVENTS),
    );
    expect((await agentwatch(["hooks", "uninstall"])).code).toBe(0);
    expect(await readFile(real, "utf8")).toBe(USER_SETTINGS);
    expect((await lstat(settingsFile())).isSymbolicLink()).toBe(true);
  });
});

describe("agentwatch hooks status", () => {
  it("shows what is installed where, and when the last event arrived", async () => {
    await mkdir(join(ws.dir, ".claude"));
    await writeFile(settingsFile(), USER_SETTINGS);
    const file = join(defaultStateDir(ws.dir), "hooks", "claude-hooks.jsonl");

    const before = await agentwatch(["hooks", "status", "--user"]);
    expect(before.code).toBe(0);
    expect(before.stdout).toBe(
      [
        `${settingsFile()} (user): not installed`,
        `events: ${file}: no event received yet (the file does not exist)`,
        "",
      ].join("\n"),
    );

    const install = await agentwatch(["hooks", "install"]);
    const command = installedCommand(install.stdout);
    const after = await agentwatch(["hooks", "status", "--user"]);
    expect(after.code).toBe(0);
    const pad = "Notification [permission_prompt|idle_prompt|elicitation_dialog]".length;
    expect(after.stdout).toBe(
      [
        `${settingsFile()} (user): installed`,
        ...[
          "Notification [permission_prompt|idle_prompt|elicitation_dialog]",
          ...EVENTS.slice(1),
        ].map((event) => `  ${event.padEnd(pad)}  ${command}`),
        `events: ${file}: no event received yet (the file does not exist)`,
        "",
      ].join("\n"),
    );

    const run = await runHook([], JSON.stringify(permissionPayload("s-status")), {
      env: { PATH: process.env.PATH ?? "", HOME: ws.dir },
      shell: command,
    });
    expect(run.code).toBe(0);
    const received = (await hookLines(defaultStateDir(ws.dir)))[0]!.received_at as string;
    const seen = await agentwatch(["hooks", "status", "--user"]);
    expect(seen.stdout).toMatch(
      new RegExp(
        `^events: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: last event ${received} \\(\\d+ s ago\\), Notification \\(permission_prompt\\)$`,
        "m",
      ),
    );

    const json = await agentwatch(["hooks", "status", "--user", "--json"]);
    const status = JSON.parse(json.stdout) as {
      settings: { path: string; hooks: { event: string; installed: boolean }[] }[];
      events: { file: string; last_received_at: string; last_event: string }[];
    };
    expect(status.settings[0]!.path).toBe(settingsFile());
    expect(status.settings[0]!.hooks.map((hook) => [hook.event, hook.installed])).toEqual(
      EVENTS.map((event) => [event, true]),
    );
    expect(status.events).toEqual([
      expect.objectContaining({
        file,
        last_received_at: received,
        last_event: "Notification (permission_prompt)",
      }),
    ]);
  });

  it("shows the user's and this project's settings by default, and a partial install", async () => {
    const project = join(ws.dir, "app");
    await mkdir(join(project, ".claude"), { recursive: true });
    const local = join(project, ".claude", "settings.local.json");
    const install = await agentwatch(["hooks", "install", "--project", project, "--local"]);
    const command = installedCommand(install.stdout);
    // The user removes one of ours by hand.
    const settings = await readSettings(local);
    delete settings.hooks!.Stop;
    await writeFile(local, JSON.stringify(settings, null, 2));
    const run = await runNode(main, ["hooks", "status"], {
      cwd: project,
      env: { PATH: process.env.PATH ?? "", HOME: ws.dir },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${settingsFile()} (user): no such file\n`);
    expect(run.stdout).toContain(
      `${join(project, ".claude", "settings.json")} (project): no such file\n`,
    );
    expect(run.stdout).toContain(`${local} (project, local): partly installed (5 of 6 events)\n`);
    expect(run.stdout).toMatch(/^ {2}Stop +missing$/m);
    expect(run.stdout).toContain(`  PermissionRequest`);
    expect(run.stdout).toContain(command);
  });
});
